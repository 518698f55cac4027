// Shapes of the cipher suite facts. The rows themselves are generated (suites-data.ts);
// everything derived from them (weaknesses, forward secrecy, NIST status) is computed in
// suites.ts so that the rules live in code with tests, and the data stays plain facts.

/** Key exchange as named in the IANA suite name (anonymous DH/ECDH is ephemeral: DHE/ECDHE + anon). */
export type KeyExchange =
  | 'NULL' | 'RSA' | 'DH' | 'DHE' | 'ECDH' | 'ECDHE' | 'PSK' | 'DHE_PSK' | 'RSA_PSK' | 'ECDHE_PSK'
  | 'SRP' | 'KRB5' | 'GOST' | 'ECCPWD'
  /** TLS 1.3 suites do not fix the key exchange or authentication. */
  | 'TLS13';

export type Authentication = 'NULL' | 'RSA' | 'DSS' | 'ECDSA' | 'anon' | 'PSK' | 'SRP' | 'KRB5' | 'GOST' | 'ECCPWD' | 'TLS13';

export type Encryption =
  | 'NULL' | 'RC4' | 'RC2' | 'DES' | '3DES' | 'IDEA' | 'SEED' | 'AES' | 'CAMELLIA' | 'ARIA' | 'CHACHA20'
  | 'KUZNYECHIK' | 'MAGMA' | 'GOST28147' | 'SM4' | 'AEGIS';

export type CipherMode = 'NONE' | 'STREAM' | 'CBC' | 'GCM' | 'CCM' | 'CCM8' | 'POLY1305' | 'CTR' | 'CNT' | 'MGM' | 'AEGIS';

export type Mac = 'NULL' | 'MD5' | 'SHA1' | 'SHA256' | 'SHA384' | 'AEAD' | 'OMAC' | 'GOST28147' | 'GOSTR3411';

/** Protocol versions in order; see protocols.ts. */
export type ProtocolName = 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** Per-suite class flags of the local OpenSSL build, present only when that build compiles the suite in. */
export interface OpensslSuiteFacts {
  /** OpenSSL's strength class (the HIGH / MEDIUM / LOW aliases); null for NULL ciphers. */
  strength: 'HIGH' | 'MEDIUM' | 'LOW' | null;
  /** Symmetric strength bits OpenSSL assigns (used by @STRENGTH and the security level). */
  strengthBits: number;
  /** Flagged SSL_NOT_DEFAULT (= member of COMPLEMENTOFDEFAULT, excluded from DEFAULT). */
  notDefault: boolean;
  /** Member of OpenSSL's FIPS alias. */
  fips: boolean;
}

/** One generated row (facts only). */
export interface SuiteRow {
  code: number;
  iana: string;
  /** OpenSSL's name: OpenSSL 3's where it has the suite, else the name older OpenSSL gave it. */
  openssl: string | null;
  /** In the IANA registry (false: deployed by old OpenSSL but never registered, e.g. EXPORT1024). */
  registered: boolean;
  ianaRecommended: string;
  kx: KeyExchange;
  au: Authentication;
  enc: Encryption;
  mode: CipherMode;
  /** Key bits of the cipher (40 for EXPORT RC4/RC2/DES40, 168 for 3DES, 0 for NULL). */
  bits: number;
  mac: Mac;
  /** Hash of the PRF/HKDF where the suite fixes one (TLS 1.2 AEAD, TLS 1.3). */
  prf: string | null;
  export: boolean;
  /** Lowest protocol the suite can be negotiated in (OpenSSL's min_tls where it has the suite). */
  minProtocol: ProtocolName;
  ossl?: OpensslSuiteFacts;
}

/** SSLv2 CIPHER-KINDs (3-byte codes; only in SSLv2 CLIENT-HELLO / SERVER-HELLO). */
export interface Sslv2CipherKind {
  code: number;
  name: string | null;
  openssl: string | null;
  enc: string;
  bits: number;
  mac: string;
  export: boolean;
}
