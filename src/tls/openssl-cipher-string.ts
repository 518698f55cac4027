// Expands an OpenSSL 3.0 cipher string (the argument of SSL_CTX_set_cipher_list, i.e. vsftpd's
// ssl_ciphers) into the ordered TLS <= 1.2 suites OpenSSL would enable, the way OpenSSL 3.0's
// ssl_create_cipher_list / ssl_cipher_process_rulestr do it: start from the build's preference
// order with everything disabled, then apply each rule of the string in turn (add, kill with
// '!', delete with '-', move to the end with '+', '@STRENGTH', '@SECLEVEL=n'); finally the
// security level and the library's own support decide which of the listed suites can really
// be negotiated (what `openssl ciphers -s` prints).
//
// TLS 1.3 suites are not affected by the cipher string (they come from SSL_CTX_set_ciphersuites,
// which vsftpd never calls); they are reported separately.
import { CIPHER_SUITES, suiteByCode, suiteByIanaName, type CipherSuite } from './suites.js';
import {
  OPENSSL_BASE_ORDER, OPENSSL_BUILD, OPENSSL_DEFAULT_SECURITY_LEVEL, OPENSSL_DEFAULT_TLS13_CIPHERSUITES,
} from './openssl-build-data.js';

export { OPENSSL_BUILD, OPENSSL_DEFAULT_SECURITY_LEVEL, OPENSSL_DEFAULT_TLS13_CIPHERSUITES };

// ------------------------------------------------------------------ OpenSSL's algorithm masks
// Our own bit assignments for OpenSSL's per-suite algorithm classes (the names are OpenSSL's).
const K = { RSA: 1, DHE: 2, ECDHE: 4, PSK: 8, RSAPSK: 16, DHEPSK: 32, ECDHEPSK: 64, SRP: 128, GOST: 256 } as const;
const A = { RSA: 1, DSS: 2, NULL: 4, ECDSA: 8, PSK: 16, GOST01: 32, GOST12: 64, SRP: 128 } as const;
const E = {
  DES: 1 << 0, '3DES': 1 << 1, RC4: 1 << 2, RC2: 1 << 3, IDEA: 1 << 4, eNULL: 1 << 5, AES128: 1 << 6, AES256: 1 << 7,
  CAMELLIA128: 1 << 8, CAMELLIA256: 1 << 9, GOST89: 1 << 10, SEED: 1 << 11, AES128GCM: 1 << 12, AES256GCM: 1 << 13,
  AES128CCM: 1 << 14, AES256CCM: 1 << 15, AES128CCM8: 1 << 16, AES256CCM8: 1 << 17, GOST8912: 1 << 18,
  CHACHA20POLY1305: 1 << 19, ARIA128GCM: 1 << 20, ARIA256GCM: 1 << 21, MAGMA: 1 << 22, KUZNYECHIK: 1 << 23,
} as const;
const M = { MD5: 1, SHA1: 2, GOST94: 4, GOST89MAC: 8, SHA256: 16, SHA384: 32, AEAD: 64, GOST12: 128, GOST89MAC12: 256 } as const;
/** algo_strength bits: the STRONG group (NONE/LOW/MEDIUM/HIGH/FIPS) and the DEFAULT group. */
const S = { NONE: 1, LOW: 2, MEDIUM: 4, HIGH: 8, FIPS: 16, NOT_DEFAULT: 32 } as const;
const STRONG_MASK = 0x1f;
const DEFAULT_MASK = 0x20;
const ALL_BITS = 0x7fffffff;

const E_AESGCM = E.AES128GCM | E.AES256GCM;
const E_AESCCM = E.AES128CCM | E.AES256CCM | E.AES128CCM8 | E.AES256CCM8;
const E_AES = E.AES128 | E.AES256 | E_AESGCM | E_AESCCM;
const E_CAMELLIA = E.CAMELLIA128 | E.CAMELLIA256;
const E_ARIA = E.ARIA128GCM | E.ARIA256GCM;
const E_CBC = E.DES | E['3DES'] | E.RC2 | E.IDEA | E.AES128 | E.AES256 | E_CAMELLIA | E.SEED;
const K_PSK = K.PSK | K.ECDHEPSK | K.DHEPSK | K.RSAPSK;

type TlsVersion = 0x0300 | 0x0301 | 0x0303 | 0x0304;

/** One suite as OpenSSL's rule matcher sees it. */
interface OsslCipher {
  suite: CipherSuite;
  name: string;
  mkey: number;
  auth: number;
  enc: number;
  mac: number;
  minTls: TlsVersion;
  strength: number;
  strengthBits: number;
}

function mkeyOf(s: CipherSuite): number {
  switch (s.kx) {
    case 'RSA': return K.RSA;
    case 'DHE': return K.DHE;
    case 'ECDHE': return K.ECDHE;
    case 'PSK': return K.PSK;
    case 'RSA_PSK': return K.RSAPSK;
    case 'DHE_PSK': return K.DHEPSK;
    case 'ECDHE_PSK': return K.ECDHEPSK;
    case 'SRP': return K.SRP;
    case 'GOST': return K.GOST;
    default: return 0;
  }
}
function authOf(s: CipherSuite): number {
  switch (s.au) {
    case 'RSA': return A.RSA;
    case 'DSS': return A.DSS;
    case 'ECDSA': return A.ECDSA;
    case 'anon': return A.NULL;
    case 'PSK': return A.PSK;
    case 'SRP': return A.SRP;
    case 'GOST': return A.GOST12;
    default: return 0;
  }
}
function encOf(s: CipherSuite): number {
  const b = s.bits;
  switch (s.enc) {
    case 'NULL': return E.eNULL;
    case 'DES': return E.DES;
    case '3DES': return E['3DES'];
    case 'RC4': return E.RC4;
    case 'RC2': return E.RC2;
    case 'IDEA': return E.IDEA;
    case 'SEED': return E.SEED;
    case 'CHACHA20': return E.CHACHA20POLY1305;
    case 'CAMELLIA': return b === 128 ? E.CAMELLIA128 : E.CAMELLIA256;
    case 'ARIA': return b === 128 ? E.ARIA128GCM : E.ARIA256GCM;
    case 'AES':
      switch (s.mode) {
        case 'GCM': return b === 128 ? E.AES128GCM : E.AES256GCM;
        case 'CCM': return b === 128 ? E.AES128CCM : E.AES256CCM;
        case 'CCM8': return b === 128 ? E.AES128CCM8 : E.AES256CCM8;
        default: return b === 128 ? E.AES128 : E.AES256;
      }
    case 'MAGMA': return E.MAGMA;
    case 'KUZNYECHIK': return E.KUZNYECHIK;
    case 'GOST28147': return E.GOST89;
    default: return 0;
  }
}
function macOf(s: CipherSuite): number {
  switch (s.mac) {
    case 'MD5': return M.MD5;
    case 'SHA1': return M.SHA1;
    case 'SHA256': return M.SHA256;
    case 'SHA384': return M.SHA384;
    case 'AEAD': return M.AEAD;
    default: return 0;
  }
}
const MIN_TLS: Record<string, TlsVersion> = { SSLv3: 0x0300, 'TLSv1.0': 0x0301, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

function toOssl(s: CipherSuite): OsslCipher {
  const o = s.ossl!;
  let strength = o.strength === 'HIGH' ? S.HIGH : o.strength === 'MEDIUM' ? S.MEDIUM : o.strength === 'LOW' ? S.LOW : S.NONE;
  if (o.fips) strength |= S.FIPS;
  if (o.notDefault) strength |= S.NOT_DEFAULT;
  return {
    suite: s, name: s.openssl!, mkey: mkeyOf(s), auth: authOf(s), enc: encOf(s), mac: macOf(s),
    minTls: MIN_TLS[s.minProtocol] ?? 0x0301, strength, strengthBits: o.strengthBits,
  };
}

/** The build's TLS <= 1.2 suites in its base preference order. */
const BASE: readonly OsslCipher[] = OPENSSL_BASE_ORDER.map((code) => toOssl(suiteByCode(code)!));

// ------------------------------------------------------------------ aliases (OpenSSL 3.0)
interface Alias { name: string; mkey?: number; auth?: number; enc?: number; mac?: number; minTls?: TlsVersion; strength?: number }
const ALIASES: readonly Alias[] = [
  { name: 'ALL', enc: ~E.eNULL & ALL_BITS },
  { name: 'COMPLEMENTOFALL', enc: E.eNULL },
  { name: 'COMPLEMENTOFDEFAULT', strength: S.NOT_DEFAULT },
  // key exchange
  { name: 'kRSA', mkey: K.RSA },
  { name: 'kEDH', mkey: K.DHE }, { name: 'kDHE', mkey: K.DHE }, { name: 'DH', mkey: K.DHE },
  { name: 'kEECDH', mkey: K.ECDHE }, { name: 'kECDHE', mkey: K.ECDHE }, { name: 'ECDH', mkey: K.ECDHE },
  { name: 'kPSK', mkey: K.PSK }, { name: 'kRSAPSK', mkey: K.RSAPSK }, { name: 'kECDHEPSK', mkey: K.ECDHEPSK },
  { name: 'kDHEPSK', mkey: K.DHEPSK }, { name: 'kSRP', mkey: K.SRP }, { name: 'kGOST', mkey: K.GOST },
  // authentication
  { name: 'aRSA', auth: A.RSA }, { name: 'aDSS', auth: A.DSS }, { name: 'DSS', auth: A.DSS },
  { name: 'aNULL', auth: A.NULL }, { name: 'aECDSA', auth: A.ECDSA }, { name: 'ECDSA', auth: A.ECDSA },
  { name: 'aPSK', auth: A.PSK }, { name: 'aGOST01', auth: A.GOST01 }, { name: 'aGOST12', auth: A.GOST12 },
  { name: 'aGOST', auth: A.GOST01 | A.GOST12 }, { name: 'aSRP', auth: A.SRP },
  // key exchange + authentication
  { name: 'EDH', mkey: K.DHE, auth: ~A.NULL & ALL_BITS }, { name: 'DHE', mkey: K.DHE, auth: ~A.NULL & ALL_BITS },
  { name: 'EECDH', mkey: K.ECDHE, auth: ~A.NULL & ALL_BITS }, { name: 'ECDHE', mkey: K.ECDHE, auth: ~A.NULL & ALL_BITS },
  { name: 'NULL', enc: E.eNULL }, { name: 'RSA', mkey: K.RSA, auth: A.RSA },
  { name: 'ADH', mkey: K.DHE, auth: A.NULL }, { name: 'AECDH', mkey: K.ECDHE, auth: A.NULL },
  { name: 'PSK', mkey: K_PSK }, { name: 'SRP', mkey: K.SRP },
  // symmetric encryption
  { name: '3DES', enc: E['3DES'] }, { name: 'RC4', enc: E.RC4 }, { name: 'RC2', enc: E.RC2 }, { name: 'IDEA', enc: E.IDEA },
  { name: 'SEED', enc: E.SEED }, { name: 'eNULL', enc: E.eNULL }, { name: 'GOST', enc: E.GOST89 | E.GOST8912 },
  { name: 'AES128', enc: E.AES128 | E.AES128GCM | E.AES128CCM | E.AES128CCM8 },
  { name: 'AES256', enc: E.AES256 | E.AES256GCM | E.AES256CCM | E.AES256CCM8 },
  { name: 'AES', enc: E_AES }, { name: 'AESGCM', enc: E_AESGCM }, { name: 'AESCCM', enc: E_AESCCM },
  { name: 'AESCCM8', enc: E.AES128CCM8 | E.AES256CCM8 },
  { name: 'CAMELLIA128', enc: E.CAMELLIA128 }, { name: 'CAMELLIA256', enc: E.CAMELLIA256 }, { name: 'CAMELLIA', enc: E_CAMELLIA },
  { name: 'CHACHA20', enc: E.CHACHA20POLY1305 },
  { name: 'ARIA', enc: E_ARIA }, { name: 'ARIAGCM', enc: E_ARIA }, { name: 'ARIA128', enc: E.ARIA128GCM }, { name: 'ARIA256', enc: E.ARIA256GCM },
  { name: 'CBC', enc: E_CBC },
  // MAC
  { name: 'MD5', mac: M.MD5 }, { name: 'SHA1', mac: M.SHA1 }, { name: 'SHA', mac: M.SHA1 },
  { name: 'GOST94', mac: M.GOST94 }, { name: 'GOST89MAC', mac: M.GOST89MAC | M.GOST89MAC12 },
  { name: 'SHA256', mac: M.SHA256 }, { name: 'SHA384', mac: M.SHA384 }, { name: 'GOST12', mac: M.GOST12 },
  // protocol version (matches the suite's minimum version exactly)
  { name: 'SSLv3', minTls: 0x0300 }, { name: 'TLSv1', minTls: 0x0301 }, { name: 'TLSv1.0', minTls: 0x0301 },
  { name: 'TLSv1.2', minTls: 0x0303 },
  // strength classes
  { name: 'LOW', strength: S.LOW }, { name: 'MEDIUM', strength: S.MEDIUM }, { name: 'HIGH', strength: S.HIGH },
  { name: 'FIPS', enc: ~E.eNULL & ALL_BITS, strength: S.FIPS },
];

/** OpenSSL's DEFAULT (OSSL_default_cipher_list() in 3.0). */
export const OPENSSL_DEFAULT_CIPHER_LIST = 'ALL:!COMPLEMENTOFDEFAULT:!eNULL';

// ------------------------------------------------------------------ results
export type CipherStringStatus =
  /** SSL_CTX_set_cipher_list succeeds. */
  | 'ok'
  /** Fails: no TLS <= 1.2 suite selected ("no cipher match"); vsftpd: "SSL: could not set cipher list". */
  | 'no-cipher-match'
  /** Fails: a character or '@' command OpenSSL rejects ("invalid command"); vsftpd refuses to start too. */
  | 'invalid-command'
  /** Cannot be expanded from the text alone (PROFILE=SYSTEM: RHEL crypto-policies decide). */
  | 'unknown';

export interface CipherStringNote {
  /** 0-based offset of the word in the string. */
  offset: number;
  word: string;
  kind:
    | 'unknown-word'          // neither a suite nor an alias: OpenSSL ignores it silently
    | 'not-in-build'          // a suite OpenSSL used to know (e.g. DES-CBC3-SHA, RC4-SHA) that this build lacks: ignored
    | 'iana-name'             // an IANA name: OpenSSL 3.0 does not accept those here: ignored
    | 'contradictory'         // a+b combination that can match nothing: ignored
    | 'invalid-command'       // rejected character or '@' command: the whole string fails
    | 'default-not-first';    // DEFAULT only expands at the very start of the string
  message: string;
}

export interface ExpandOptions {
  /** The context's security level before the string runs (its @SECLEVEL overrides). Default: the build's (2 on Debian 12). */
  securityLevel?: number;
  /** TLS 1.3 suites configured with SSL_CTX_set_ciphersuites. Default: OpenSSL's default three. vsftpd 3.0.3 cannot change them. */
  tls13Ciphersuites?: readonly string[];
  /**
   * Whether the application enables PSK / SRP (callbacks). vsftpd does neither, and
   * `openssl ciphers -s` has neither unless asked: such suites are listed but never negotiated.
   */
  pskEnabled?: boolean;
  srpEnabled?: boolean;
}

export interface CipherStringFacts {
  admitsNull: boolean;
  admitsAnonymous: boolean;
  admitsExport: boolean;
  admitsRc4: boolean;
  admitsDes: boolean;
  admits3des: boolean;
  admitsMd5: boolean;
  admitsSha1: boolean;
  admitsCbc: boolean;
  admitsNoForwardSecrecy: boolean;
  /**
   * TLS 1.0/1.1 can be negotiated: an enabled suite works below TLS 1.2 AND the security level is 0
   * (OpenSSL 3.0 refuses TLS < 1.2 handshakes at level >= 1 because they need SHA-1/MD5
   * signatures and PRF; checked with real handshakes). This decides whether vsftpd on
   * upstream/Debian (no ssl_tlsv1_1 switch) accepts TLS 1.0/1.1.
   */
  usableBelowTls12: boolean;
  /** usableBelowTls12 for a server with an RSA certificate (a below-1.2 suite with RSA authentication). */
  usableBelowTls12WithRsaCert: boolean;
  /** usableBelowTls12 for a server with an ECDSA certificate. */
  usableBelowTls12WithEcdsaCert: boolean;
  /** Some enabled suite needs an RSA certificate (aRSA). */
  servesRsaCert: boolean;
  /** Some enabled suite needs an ECDSA certificate (aECDSA). */
  servesEcdsaCert: boolean;
  /** Some enabled suite needs a DSA certificate (aDSS). */
  servesDsaCert: boolean;
  /** Every enabled TLS <= 1.2 suite is on the NIST SP 800-52r2 §3.3.1 list. */
  allNistApproved: boolean;
}

export interface CipherStringExpansion {
  input: string;
  status: CipherStringStatus;
  /** Why status is not 'ok', in the words OpenSSL / vsftpd use. */
  reason?: string;
  /** The TLS <= 1.2 list SSL_CTX_set_cipher_list stores, in order (`openssl ciphers -V`, without -s). */
  configured: readonly CipherSuite[];
  /** The configured suites the library will actually negotiate at the effective security level (`openssl ciphers -s -V`). */
  enabled: readonly CipherSuite[];
  /** TLS 1.3 suites (independent of the string), after the security level. */
  tls13: readonly CipherSuite[];
  /** Effective security level (the string's last valid @SECLEVEL, else the starting level). */
  securityLevel: number;
  securityLevelFromString: boolean;
  /** Suite B mode selected by a SUITEB128/SUITEB128ONLY/SUITEB128C2/SUITEB192 prefix. */
  suiteB: string | null;
  facts: CipherStringFacts;
  notes: readonly CipherStringNote[];
  /** Which OpenSSL build's facts were used. */
  opensslBuild: string;
}

// ------------------------------------------------------------------ rule engine
const enum Rule { ADD = 1, KILL = 2, DEL = 3, ORD = 4, SPECIAL = 5 }

interface Node { c: OsslCipher; active: boolean }

/** The ordered cipher list; killed entries are removed for good. */
class CipherOrder {
  list: Node[];
  constructor(base: readonly OsslCipher[]) {
    this.list = base.map((c) => ({ c, active: false }));
  }

  apply(rule: Rule, sel: Selector): void {
    const matching = this.list.filter((n) => sel(n.c));
    if (matching.length === 0) return;
    switch (rule) {
      case Rule.ADD: {
        // Inactive matches are appended to the tail in their current order.
        const moving = matching.filter((n) => !n.active);
        this.moveToTail(moving);
        for (const n of moving) n.active = true;
        break;
      }
      case Rule.ORD: {
        this.moveToTail(matching.filter((n) => n.active));
        break;
      }
      case Rule.DEL: {
        // OpenSSL walks from the tail and moves each active match to the head, so the deleted
        // suites end up at the head in their previous order ("best positions for a later add").
        const moving = matching.filter((n) => n.active);
        this.moveToHead(moving);
        for (const n of moving) n.active = false;
        break;
      }
      case Rule.KILL: {
        const dead = new Set(matching);
        this.list = this.list.filter((n) => !dead.has(n));
        break;
      }
      default:
        break;
    }
  }

  private moveToTail(nodes: Node[]): void {
    if (nodes.length === 0) return;
    const set = new Set(nodes);
    this.list = [...this.list.filter((n) => !set.has(n)), ...nodes];
  }

  private moveToHead(nodes: Node[]): void {
    if (nodes.length === 0) return;
    const set = new Set(nodes);
    this.list = [...nodes, ...this.list.filter((n) => !set.has(n))];
  }

  /** @STRENGTH: stable sort of the active suites by strength bits, descending ('+' per value). */
  strengthSort(): void {
    const bits = [...new Set(this.list.filter((n) => n.active).map((n) => n.c.strengthBits))].sort((a, b) => b - a);
    for (const b of bits) this.apply(Rule.ORD, (c) => c.strengthBits === b);
  }

  active(): OsslCipher[] {
    return this.list.filter((n) => n.active).map((n) => n.c);
  }
}

type Selector = (c: OsslCipher) => boolean;

interface Pattern {
  cipherId: number;
  mkey: number;
  auth: number;
  enc: number;
  mac: number;
  minTls: number;
  strength: number;
}

function selectorOf(p: Pattern): Selector {
  return (c) => {
    if (p.cipherId !== 0 && p.cipherId !== c.suite.code) return false;
    if (p.mkey && !(p.mkey & c.mkey)) return false;
    if (p.auth && !(p.auth & c.auth)) return false;
    if (p.enc && !(p.enc & c.enc)) return false;
    if (p.mac && !(p.mac & c.mac)) return false;
    if (p.minTls && p.minTls !== c.minTls) return false;
    if (p.strength & STRONG_MASK && !(p.strength & STRONG_MASK & c.strength)) return false;
    if (p.strength & DEFAULT_MASK && !(p.strength & DEFAULT_MASK & c.strength)) return false;
    return true;
  };
}

const isItemSep = (ch: string | undefined): boolean => ch === ':' || ch === ' ' || ch === ';' || ch === ',';
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9.=-]/.test(ch);

const CIPHER_BY_NAME = new Map(BASE.map((c) => [c.name, c]));
const ALIAS_BY_NAME = new Map(ALIASES.map((a) => [a.name, a]));
const LEGACY_NAMES = new Set(CIPHER_SUITES.filter((s) => s.openssl && !s.inLocalOpenssl).map((s) => s.openssl!));

interface RuleContext {
  order: CipherOrder;
  secLevel: number | null;
  notes: CipherStringNote[];
}

/** ssl_cipher_process_rulestr; returns false on an invalid command (the whole string then fails). */
function processRuleString(str: string, baseOffset: number, ctx: RuleContext): boolean {
  let ok = true;
  let i = 0;
  for (;;) {
    let ch = str[i];
    if (ch === undefined) break;
    let rule: Rule;
    if (ch === '-') { rule = Rule.DEL; i++; }
    else if (ch === '+') { rule = Rule.ORD; i++; }
    else if (ch === '!') { rule = Rule.KILL; i++; }
    else if (ch === '@') { rule = Rule.SPECIAL; i++; }
    else rule = Rule.ADD;

    if (isItemSep(ch)) { i++; continue; }

    const p: Pattern = { cipherId: 0, mkey: 0, auth: 0, enc: 0, mac: 0, minTls: 0, strength: 0 };
    let found = false;
    let wordStart = i;
    let word = '';
    for (;;) {
      wordStart = i;
      while (isWordChar(str[i])) i++;
      word = str.slice(wordStart, i);
      ch = str[i];
      if (word.length === 0) {
        // Neither an operator, a separator nor a name character: OpenSSL's "invalid command".
        ctx.notes.push({ offset: baseOffset + wordStart, word: ch ?? '', kind: 'invalid-command', message: `OpenSSL rejects ${JSON.stringify(ch ?? '')} here (invalid command): the cipher list cannot be set` });
        ok = false;
        found = false;
        i++;
        break;
      }
      if (rule === Rule.SPECIAL) break;
      const multi = ch === '+';
      if (multi) i++;

      const cipher = CIPHER_BY_NAME.get(word);
      const alias = cipher ? undefined : ALIAS_BY_NAME.get(word);
      if (!cipher && !alias) {
        ctx.notes.push(noteForUnknown(word, baseOffset + wordStart));
        found = false;
        break;
      }
      const m = cipher
        ? { mkey: cipher.mkey, auth: cipher.auth, enc: cipher.enc, mac: cipher.mac, strength: cipher.strength, minTls: 0 }
        : { mkey: alias!.mkey ?? 0, auth: alias!.auth ?? 0, enc: alias!.enc ?? 0, mac: alias!.mac ?? 0, strength: alias!.strength ?? 0, minTls: alias!.minTls ?? 0 };
      found = true;
      // Each part narrows the pattern; an empty intersection makes the whole rule match nothing.
      const narrow = (cur: number, add: number): number | null => (add ? (cur ? (cur & add) || null : add) : cur);
      const mk = narrow(p.mkey, m.mkey), au = narrow(p.auth, m.auth), en = narrow(p.enc, m.enc), ma = narrow(p.mac, m.mac);
      if (mk === null || au === null || en === null || ma === null) { found = false; break; }
      p.mkey = mk; p.auth = au; p.enc = en; p.mac = ma;
      if (m.strength & STRONG_MASK) {
        if (p.strength & STRONG_MASK) {
          p.strength &= (m.strength & STRONG_MASK) | ~STRONG_MASK;
          if (!(p.strength & STRONG_MASK)) { found = false; break; }
        } else p.strength = m.strength & STRONG_MASK;
      }
      if (m.strength & DEFAULT_MASK) {
        if (p.strength & DEFAULT_MASK) {
          p.strength &= (m.strength & DEFAULT_MASK) | ~DEFAULT_MASK;
          if (!(p.strength & DEFAULT_MASK)) { found = false; break; }
        } else p.strength |= m.strength & DEFAULT_MASK;
      }
      if (cipher) {
        // An explicit suite: its protocol version is not part of the pattern.
        p.cipherId = cipher.suite.code;
      } else if (m.minTls) {
        if (p.minTls !== 0 && p.minTls !== m.minTls) { found = false; break; }
        p.minTls = m.minTls;
      }
      if (!multi) break;
    }

    if (rule === Rule.SPECIAL) {
      let cmdOk = false;
      if (word === 'STRENGTH') {
        ctx.order.strengthSort();
        cmdOk = true;
      } else if (word.length === 10 && word.startsWith('SECLEVEL=')) {
        const level = word.charCodeAt(9) - 48;
        if (level >= 0 && level <= 5) {
          ctx.secLevel = level;
          cmdOk = true;
        }
      }
      if (!cmdOk) {
        if (word.length > 0) ctx.notes.push({ offset: baseOffset + wordStart - 1, word: '@' + word, kind: 'invalid-command', message: `unknown command @${word} (invalid command): the cipher list cannot be set` });
        ok = false;
      }
      while (str[i] !== undefined && !isItemSep(str[i])) i++;
    } else if (found) {
      ctx.order.apply(rule, selectorOf(p));
    } else {
      if (ok && word && CIPHER_BY_NAME.has(word) === false && ALIAS_BY_NAME.has(word)) {
        ctx.notes.push({ offset: baseOffset + wordStart, word, kind: 'contradictory', message: `the combination ending in ${word} can match no suite: rule ignored` });
      }
      while (str[i] !== undefined && !isItemSep(str[i])) i++;
    }
    if (str[i] === undefined) break;
  }
  return ok;
}

function noteForUnknown(word: string, offset: number): CipherStringNote {
  if (LEGACY_NAMES.has(word)) {
    return { offset, word, kind: 'not-in-build', message: `${word} is not compiled into ${OPENSSL_BUILD}: ignored` };
  }
  if (word === 'DEFAULT') {
    return { offset, word, kind: 'default-not-first', message: 'DEFAULT is only expanded at the start of the string; here it is ignored' };
  }
  if (/^TLS$|^SSL$/.test(word)) {
    return { offset, word, kind: 'iana-name', message: 'IANA suite names (TLS_...) are not accepted in an OpenSSL cipher list: ignored' };
  }
  return { offset, word, kind: 'unknown-word', message: `${word} is neither a suite nor an alias OpenSSL knows: ignored` };
}

// ------------------------------------------------------------------ security level
/** ssl_security_default_callback for SSL_SECOP_CIPHER_SUPPORTED (OpenSSL 3.0). */
export function cipherAllowedAtLevel(s: CipherSuite, level: number): boolean {
  if (level <= 0) return true;
  const minBits = [0, 80, 112, 128, 192, 256][Math.min(level, 5)]!;
  const bits = s.ossl?.strengthBits ?? s.bits;
  if (bits < minBits) return false;
  if (s.au === 'anon' || s.au === 'NULL') return false;
  if (s.mac === 'MD5') return false;
  if (minBits > 160 && s.mac === 'SHA1') return false;
  if (level >= 2 && s.enc === 'RC4') return false;
  if (level >= 3 && !s.tls13Only && !['DHE', 'ECDHE', 'DHE_PSK', 'ECDHE_PSK'].includes(s.kx)) return false;
  return true;
}

const SUITEB_PREFIXES: ReadonlyArray<[string, string, string]> = [
  // [prefix, mode, the string OpenSSL substitutes for the whole cipher string]
  ['SUITEB128ONLY', '128only', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['SUITEB128C2', '128c2', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['SUITEB128', '128', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['SUITEB192', '192', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
];

// ------------------------------------------------------------------ entry point
export function expandCipherString(input: string, options: ExpandOptions = {}): CipherStringExpansion {
  const startLevel = options.securityLevel ?? OPENSSL_DEFAULT_SECURITY_LEVEL;
  const tls13All = (options.tls13Ciphersuites ?? OPENSSL_DEFAULT_TLS13_CIPHERSUITES)
    .map((n) => suiteByIanaName(n))
    .filter((s): s is CipherSuite => s !== undefined && s.inLocalOpenssl && s.tls13Only);
  const notes: CipherStringNote[] = [];

  const finish = (status: CipherStringStatus, configured: OsslCipher[], level: number, fromString: boolean, suiteB: string | null, reason?: string): CipherStringExpansion => {
    const conf = configured.map((c) => c.suite);
    const enabled = status === 'ok'
      ? conf.filter((s) => cipherAllowedAtLevel(s, level) && (options.pskEnabled || !isPsk(s)) && (options.srpEnabled || s.kx !== 'SRP'))
      : [];
    const tls13 = tls13All.filter((s) => cipherAllowedAtLevel(s, level));
    return {
      input, status, ...(reason ? { reason } : {}), configured: status === 'ok' ? conf : [], enabled, tls13,
      securityLevel: level, securityLevelFromString: fromString, suiteB,
      facts: factsOf(enabled, level), notes, opensslBuild: OPENSSL_BUILD,
    };
  };

  if (/^PROFILE=SYSTEM/.test(input)) {
    notes.push({ offset: 0, word: 'PROFILE=SYSTEM', kind: 'unknown-word', message: 'PROFILE=SYSTEM is resolved by RHEL/Fedora crypto-policies at run time; on Debian/upstream OpenSSL it is an unknown word (no cipher match)' });
    return finish('unknown', [], startLevel, false, null, 'PROFILE=SYSTEM: the suites come from the system crypto policy (RHEL crypto-policies) and cannot be expanded from the configuration alone');
  }

  let rules = input;
  let suiteB: string | null = null;
  for (const [prefix, mode, replacement] of SUITEB_PREFIXES) {
    if (input.startsWith(prefix)) {
      suiteB = mode;
      rules = replacement;
      break;
    }
  }

  const ctx: RuleContext = { order: new CipherOrder(BASE), secLevel: null, notes };
  let ok = true;
  let rest = rules;
  let offset = 0;
  if (rules.startsWith('DEFAULT')) {
    ok = processRuleString(OPENSSL_DEFAULT_CIPHER_LIST, 0, { ...ctx, notes: [] });
    rest = rules.slice(7);
    offset = 7;
    if (rest.startsWith(':')) { rest = rest.slice(1); offset++; }
  }
  if (ok && rest.length > 0) ok = processRuleString(rest, suiteB ? 0 : offset, ctx);

  const level = ctx.secLevel ?? startLevel;
  if (!ok) return finish('invalid-command', [], level, ctx.secLevel !== null, suiteB, 'SSL_CTX_set_cipher_list fails (invalid command); vsftpd: "SSL: could not set cipher list"');
  const configured = ctx.order.active();
  if (configured.length === 0) return finish('no-cipher-match', [], level, ctx.secLevel !== null, suiteB, 'no cipher match: SSL_CTX_set_cipher_list fails; vsftpd: "SSL: could not set cipher list"');
  return finish('ok', configured, level, ctx.secLevel !== null, suiteB);
}

function isPsk(s: CipherSuite): boolean {
  return s.kx === 'PSK' || s.kx === 'RSA_PSK' || s.kx === 'DHE_PSK' || s.kx === 'ECDHE_PSK';
}

function factsOf(enabled: readonly CipherSuite[], level: number): CipherStringFacts {
  const any = (w: string): boolean => enabled.some((s) => (s.weaknesses as readonly string[]).includes(w));
  return {
    admitsNull: any('null-encryption'),
    admitsAnonymous: any('anonymous'),
    admitsExport: any('export'),
    admitsRc4: any('rc4'),
    admitsDes: any('des'),
    admits3des: any('3des'),
    admitsMd5: any('md5'),
    admitsSha1: any('sha1'),
    admitsCbc: any('cbc'),
    admitsNoForwardSecrecy: any('no-fs'),
    usableBelowTls12: level === 0 && enabled.some((s) => s.usableBelowTls12),
    usableBelowTls12WithRsaCert: level === 0 && enabled.some((s) => s.usableBelowTls12 && s.au === 'RSA'),
    usableBelowTls12WithEcdsaCert: level === 0 && enabled.some((s) => s.usableBelowTls12 && s.au === 'ECDSA'),
    servesRsaCert: enabled.some((s) => s.au === 'RSA'),
    servesEcdsaCert: enabled.some((s) => s.au === 'ECDSA'),
    servesDsaCert: enabled.some((s) => s.au === 'DSS'),
    allNistApproved: enabled.length > 0 && enabled.every((s) => s.nistApproved),
  };
}
