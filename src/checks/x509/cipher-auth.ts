import { suiteByOpensslName } from '../../tls/suites.js';

/**
 * Which TLS 1.2 server authentications (certificate key types) an OpenSSL cipher string
 * admits. A deliberately small model of OpenSSL's rule processing, at the granularity of the
 * authentication algorithm only: explicit suite names come from our suite table, aliases
 * from the list below, and "+"-joined terms intersect; "!" removes for good, "-" removes.
 * Unknown words are ignored, as OpenSSL ignores them. The verdicts are checked against the
 * real `openssl ciphers -v` in test/x509-checks.test.ts.
 * (When the full cipher-string expander lands in src/tls, this should defer to it.)
 */
export type Auth = 'RSA' | 'ECDSA' | 'DSS' | 'anon' | 'PSK' | 'other';
const ALL: readonly Auth[] = ['RSA', 'ECDSA', 'DSS', 'anon', 'PSK', 'other'];

const ALIASES: Record<string, readonly Auth[]> = {
  aRSA: ['RSA'], RSA: ['RSA', 'PSK'], kRSA: ['RSA'],
  aECDSA: ['ECDSA'], ECDSA: ['ECDSA'],
  aDSS: ['DSS'], DSS: ['DSS'],
  aNULL: ['anon'], ADH: ['anon'], AECDH: ['anon'],
  PSK: ['PSK'], aPSK: ['PSK'], kPSK: ['PSK'], kECDHEPSK: ['PSK'], kDHEPSK: ['PSK'], kRSAPSK: ['PSK'],
  SRP: ['other'], aSRP: ['other'], kSRP: ['other'], aGOST: ['other'], aGOST01: ['other'], GOST: ['other'],
  DHE: ['RSA', 'DSS', 'anon', 'PSK'], EDH: ['RSA', 'DSS', 'anon', 'PSK'], kDHE: ['RSA', 'DSS', 'anon', 'PSK'], kEDH: ['RSA', 'DSS', 'anon', 'PSK'],
  ECDHE: ['RSA', 'ECDSA', 'anon', 'PSK'], EECDH: ['RSA', 'ECDSA', 'anon', 'PSK'], kECDHE: ['RSA', 'ECDSA', 'anon', 'PSK'], kEECDH: ['RSA', 'ECDSA', 'anon', 'PSK'],
  SUITEB128: ['ECDSA'], SUITEB128ONLY: ['ECDSA'], SUITEB128C2: ['ECDSA'], SUITEB192: ['ECDSA'],
};

function termAuths(term: string): readonly Auth[] | undefined {
  if (term in ALIASES) return ALIASES[term];
  const suite = suiteByOpensslName(term);
  if (suite) {
    if (suite.au === 'TLS13') return []; // SSL_CTX_set_cipher_list ignores TLS 1.3 names
    return [(['RSA', 'ECDSA', 'DSS', 'anon', 'PSK'] as const).find((a) => a === suite.au) ?? 'other'];
  }
  // Class aliases (ALL, DEFAULT, HIGH, AESGCM, SHA256, TLSv1.2, PROFILE=SYSTEM, ...) cut
  // across authentication types: treat as all of them.
  return /^[A-Za-z0-9._=-]+$/.test(term) ? ALL : undefined;
}

export function tls12Authentications(cipherString: string): Set<Auth> {
  const added = new Set<Auth>();
  const killed = new Set<Auth>();
  for (const raw of cipherString.split(/[:, ]+/)) {
    if (!raw || raw.startsWith('@')) continue;
    const op = '!-+'.includes(raw[0]!) ? raw[0]! : '';
    const body = op ? raw.slice(1) : raw;
    let set: Set<Auth> | undefined;
    for (const part of body.split('+')) {
      const auths = termAuths(part);
      if (!auths) { set = undefined; break; }
      set = set ? new Set([...set].filter((a) => auths.includes(a))) : new Set(auths);
    }
    if (!set) continue;
    if (op === '!') for (const a of set) { added.delete(a); killed.add(a); }
    else if (op === '-') for (const a of set) added.delete(a);
    else if (op === '') for (const a of set) if (!killed.has(a)) added.add(a);
  }
  return added;
}

/** The TLS 1.2 authentication a certificate key needs (RFC 8422: Ed25519 uses ECDSA suites). */
export function authFor(algorithm: string): Auth | undefined {
  switch (algorithm) {
    case 'rsa':
    case 'rsa-pss':
      return 'RSA';
    case 'ec':
    case 'ed25519':
    case 'ed448':
      return 'ECDSA';
    case 'dsa':
      return 'DSS';
    default:
      return undefined;
  }
}
