/**
 * Observations of the live probe (`ftps-audit probe`): what a server on host:port actually
 * did, never a judgement. Rules in rules/catalogue/probe judge these. Everything here is
 * plain JSON (no Buffers, no Dates) so observations can be saved and re-evaluated.
 */

export type ProbeProtocol = 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export type FtpsModeName = 'explicit' | 'implicit';

/** How far the probe got with the endpoint. Anything but 'ok' is its own verdict. */
export type Reachability =
  | 'ok'
  | 'refused'          // TCP RST on connect
  | 'unresolvable'     // DNS failure
  | 'timeout'          // no TCP answer (filtered)
  | 'unreachable'      // no route
  | 'silent'           // accepted the connection but never spoke, neither FTP nor TLS
  | 'closed'           // accepted and closed without a word
  | 'not-ftp'          // spoke something that is neither an FTP reply nor TLS
  | 'ftp-refused'      // FTP greeting other than 220 (e.g. 421 too many connections)
  | 'no-tls'           // FTP server that refuses AUTH TLS and does not speak implicit TLS
  | 'tls-failed'       // TLS offered, but no hello got a usable answer (reset, garbage, silence)
  | 'error';           // the probe itself failed (a bug): reason in `detail`

/** Evidence of one refusal or acceptance: what was offered and what came back. */
export interface HelloEvidence {
  /** e.g. "ServerHello TLSv1.2 0xC030", "alert handshake_failure", "closed", "timeout". */
  answer: string;
  /** Clear text the server sent after its alert (vsftpd: "500 OOPS: ..."). */
  trailingText?: string;
}

export interface SuiteObservation {
  code: number;
  /** IANA name (or SSLv2 kind name), "unknown 0x…" if not in the table. */
  name: string;
  /** Key exchange parameters seen with this suite (TLS ≤ 1.2, from ServerKeyExchange). */
  dhBits?: number;
  ecdheGroup?: string;
}

export interface ProtocolObservation {
  protocol: ProbeProtocol;
  accepted: boolean;
  /** The answer to the first hello for this protocol: the proof either way. */
  evidence: HelloEvidence;
  /** Accepted suites, in the order the server chose them when offered everything left. */
  suites: SuiteObservation[];
  /** true: the server imposes its order; false: it follows ours; null: not determinable (< 2 suites). */
  serverPreference: boolean | null;
  /** RFC 5746 renegotiation_info echoed on this protocol (null: protocol not accepted). */
  secureRenegotiation: boolean | null;
  /** DEFLATE (method 1) chosen when offered (CRIME); null: not tested. */
  compression: boolean | null;
  /** The enumeration stopped early (bound reached or the server misbehaved). */
  incomplete?: string;
}

export interface CertificateObservation {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  subjectAltName?: string;
  keyType?: string;
  keyBits?: number;
  signatureAlgorithm?: string;
  selfSigned: boolean;
  pem: string;
}

export interface CertificateChainObservation {
  /** Where the chain came from: "TLSv1.2 ServerHello flight" or "tls.connect TLSv1.3". */
  source: string;
  chain: CertificateObservation[];
  /** Verification against --ca-file or the system store; the OpenSSL error code if not trusted. */
  trusted: boolean;
  trustError?: string;
  /** The name checked against the leaf (--hostname, else the target host), and the verdict. */
  hostnameChecked: string;
  hostnameMatches: boolean;
}

export interface TlsObservation {
  protocols: ProtocolObservation[];
  /** TLS 1.3 groups (HelloRetryRequest enumeration) or ECDHE groups under TLS ≤ 1.2, server's pick order. */
  groups: string[];
  groupsSource: 'tls1.3-hrr' | 'tls1.2-ske' | 'none';
  /** RFC 7507: alert inappropriate_fallback for a hello below the highest version plus SCSV. */
  fallbackScsv: 'enforced' | 'not-enforced' | 'not-applicable';
  fallbackEvidence?: string;
  /** Client-initiated renegotiation over a completed handshake (tls.connect), per protocol. */
  clientRenegotiation: { protocol: ProbeProtocol; allowed: boolean; detail: string }[];
  certificates: CertificateChainObservation[];
  /** CVE-2014-0160, tested on the highest accepted protocol from TLS 1.0 to 1.2. */
  heartbleed?: { protocol: ProbeProtocol; verdict: 'vulnerable' | 'not-vulnerable' | 'no-heartbeat' | 'inconclusive'; evidence: string };
  /** CVE-2014-0224 (early ChangeCipherSpec), tested on the highest accepted protocol from SSLv3 to TLS 1.2. */
  ccsInjection?: { protocol: ProbeProtocol; verdict: 'vulnerable' | 'not-vulnerable' | 'inconclusive'; evidence: string };
  /** OpenSSL-style error strings the server sent in clear text after refusing a hello. */
  leakedErrors: string[];
  /** Hand-built hellos sent and connections opened for the TLS part. */
  connections: number;
}

/** One FTP command and its reply, as evidence (secrets replaced by "****"). */
export interface FtpExchange {
  command: string;
  code: number | null;
  reply: string;
}

export interface DataChannelObservation {
  /** What was attempted: "LIST over PROT C", "LIST over TLS reusing the control session", … */
  attempt: string;
  /** The listing completed (final 226/250) and data arrived. */
  transferred: boolean;
  bytes: number;
  exchanges: FtpExchange[];
  tlsProtocol?: string;
  tlsCipher?: string;
  sessionReused?: boolean;
  certFingerprint256?: string;
  error?: string;
}

export interface FtpObservation {
  banner: string;
  feat: string[];
  /** USER with a dummy name before AUTH TLS: 331 means credentials are accepted in clear. */
  userBeforeTls?: FtpExchange;
  anonymousClear?: { allowed: boolean; exchanges: FtpExchange[] };
  anonymousTls?: { allowed: boolean; exchanges: FtpExchange[] };
  authTls?: FtpExchange;
  /**
   * After AUTH TLS → 234, a clear-text USER instead of a ClientHello: a reply of 331/230
   * means the server falls back to clear text (Tenable 57272 "cleartext fallback").
   */
  clearAfterAuthTls?: { accepted: boolean; exchanges: FtpExchange[] };
  authSsl?: FtpExchange & { handshake?: string };
  /** The control channel after AUTH TLS (tls.connect). */
  controlTls?: { protocol: string; cipher: string; certFingerprint256?: string };
  login?: { user: string; method: 'user' | 'anonymous'; succeeded: boolean; exchanges: FtpExchange[] };
  pbszProt?: FtpExchange[];
  protClear?: DataChannelObservation;
  dataTlsReuse?: DataChannelObservation;
  dataTlsNoReuse?: DataChannelObservation;
  pasv?: { exchange: FtpExchange; address?: string; port?: number; privateAddress: boolean; differsFromTarget: boolean };
  epsv?: { exchange: FtpExchange; port?: number };
  ccc?: FtpExchange;
  site?: FtpExchange;
  stat?: FtpExchange;
  syst?: FtpExchange;
  /** Software/version strings found in the banner, STAT or SYST. */
  versionDisclosed: string[];
  /** …of which those any unauthenticated client sees (greeting, SYST before login). */
  versionDisclosedBeforeLogin?: string[];
  /** Why a check that needs a login could not run (no --user and anonymous closed). */
  loginSkipped?: string;
}

export interface ProbeObservation {
  /** ftps://host:port */
  endpoint: string;
  host: string;
  port: number;
  requestedMode: FtpsModeName | 'auto';
  detectedMode: FtpsModeName | null;
  /** The mode asked for differs from what the port speaks. */
  modeMismatch: boolean;
  reachability: Reachability;
  detail?: string;
  tls?: TlsObservation;
  ftp?: FtpObservation;
  /** Commands and replies in order, secrets redacted (evidence for the whole probe). */
  transcript: string[];
  durationMs: number;
  /** Checks the probe could not run, with the reason (e.g. "SSLv2: connection reset"). */
  notes: string[];
}

declare module './inventory.js' {
  interface InventoryModels {
    probe: ProbeObservation[];
  }
}
