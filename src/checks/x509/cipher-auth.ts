import { CIPHER_SUITES, suiteByOpensslName } from '../../tls/suites.js';

/**
 * Which TLS 1.2 server authentications (certificate key types) an OpenSSL cipher string
 * admits. A deliberately small model of OpenSSL's rule processing, at the granularity of the
 * authentication algorithm only: explicit suite names come from our suite table, aliases
 * from the list below, and "+"-joined terms intersect. A removal ("!" for good, "-" for now)
 * empties a category only when the term covers the whole category (aRSA, aECDSA, ECDSA,
 * aDSS, aNULL, PSK); removing a subset (kRSA, "RSA", a suite name, MD5, SHA1, CBC ...)
 * leaves the category standing, because other suites of that type remain. Unknown words
 * are ignored, as OpenSSL ignores them. Checked against the real `openssl ciphers -v` for a
 * corpus in test/x509-checks.test.ts.
 * (When the full cipher-string expander lands in src/tls, this should defer to it.)
 */
export type Auth = 'RSA' | 'ECDSA' | 'DSS' | 'anon' | 'PSK' | 'other';
const ALL: readonly Auth[] = ['RSA', 'ECDSA', 'DSS', 'anon', 'PSK', 'other'];

/** Terms that name every suite of their authentication categories. */
const WHOLE_CATEGORY = new Set(['aRSA', 'aECDSA', 'ECDSA', 'aDSS', 'DSS', 'aNULL', 'PSK', 'aPSK']);

const ALIASES: Record<string, readonly Auth[]> = {
  aRSA: ['RSA'], RSA: ['RSA'], kRSA: ['RSA'],
  aECDSA: ['ECDSA'], ECDSA: ['ECDSA'],
  aDSS: ['DSS'], DSS: ['DSS'],
  aNULL: ['anon'], ADH: ['anon'], AECDH: ['anon'],
  PSK: ['PSK'], aPSK: ['PSK'], kPSK: ['PSK'], kECDHEPSK: ['PSK'], kDHEPSK: ['PSK'], kRSAPSK: ['PSK'],
  SRP: ['other'], aSRP: ['other'], kSRP: ['other'], aGOST: ['other'], aGOST01: ['other'], GOST: ['other'],
  DHE: ['RSA', 'DSS', 'anon', 'PSK'], EDH: ['RSA', 'DSS', 'anon', 'PSK'], kDHE: ['RSA', 'DSS', 'anon', 'PSK'], kEDH: ['RSA', 'DSS', 'anon', 'PSK'],
  ECDHE: ['RSA', 'ECDSA', 'anon', 'PSK'], EECDH: ['RSA', 'ECDSA', 'anon', 'PSK'], kECDHE: ['RSA', 'ECDSA', 'anon', 'PSK'], kEECDH: ['RSA', 'ECDSA', 'anon', 'PSK'],
  SUITEB128: ['ECDSA'], SUITEB128ONLY: ['ECDSA'], SUITEB128C2: ['ECDSA'], SUITEB192: ['ECDSA'],
};

const AUTHS_OF_SUITE = (au: string): Auth => (['RSA', 'ECDSA', 'DSS', 'anon', 'PSK'] as const).find((a) => a === au) ?? 'other';

/** Strength classes from the local OpenSSL build's suite facts (TLS 1.2-capable suites only). */
function strengthClass(name: 'HIGH' | 'MEDIUM' | 'LOW'): readonly Auth[] {
  const out = new Set<Auth>();
  for (const s of CIPHER_SUITES) if (s.inLocalOpenssl && !s.tls13Only && s.ossl?.strength === name) out.add(AUTHS_OF_SUITE(s.au));
  return [...out];
}

type Term = { auths: readonly Auth[]; suite?: string };

function term(word: string): Term | undefined {
  if (word in ALIASES) return { auths: ALIASES[word]! };
  if (word === 'HIGH' || word === 'MEDIUM' || word === 'LOW') return { auths: strengthClass(word) };
  const suite = suiteByOpensslName(word);
  if (suite) {
    // SSL_CTX_set_cipher_list ignores TLS 1.3 names, and names this OpenSSL lacks select nothing.
    if (suite.tls13Only || !suite.inLocalOpenssl) return { auths: [] };
    return { auths: [AUTHS_OF_SUITE(suite.au)], suite: suite.openssl ?? word };
  }
  // Other class aliases (ALL, DEFAULT, AESGCM, SHA256, TLSv1.2, ...) cut across
  // authentication types: treat as all of them.
  return /^[A-Za-z0-9._=-]+$/.test(word) ? { auths: ALL } : undefined;
}

export function tls12Authentications(cipherString: string): Set<Auth> {
  // Per category: admitted wholesale (by a class alias) and/or through named suites.
  const whole = new Set<Auth>();
  const named = new Map<Auth, Set<string>>();
  const killed = new Set<Auth>();
  const killedSuites = new Set<string>();
  for (const raw of cipherString.split(/[:, ]+/)) {
    if (!raw || raw.startsWith('@')) continue;
    const op = '!-+'.includes(raw[0]!) ? raw[0]! : '';
    const parts = (op ? raw.slice(1) : raw).split('+');
    const terms = parts.map(term);
    if (terms.some((t) => !t)) continue;
    let auths = new Set<Auth>(terms[0]!.auths);
    for (const t of terms.slice(1)) auths = new Set([...auths].filter((a) => t!.auths.includes(a)));
    const suite = terms.length === 1 ? terms[0]!.suite : undefined;
    if (op === '+') continue;
    if (op === '!' || op === '-') {
      if (suite) {
        for (const set of named.values()) set.delete(suite);
        if (op === '!') killedSuites.add(suite);
      } else if (parts.every((p) => WHOLE_CATEGORY.has(p))) {
        for (const a of auths) {
          whole.delete(a);
          named.delete(a);
          if (op === '!') killed.add(a);
        }
      }
      continue;
    }
    for (const a of auths) {
      if (killed.has(a)) continue;
      if (suite) {
        if (!killedSuites.has(suite)) named.set(a, (named.get(a) ?? new Set()).add(suite));
      } else whole.add(a);
    }
  }
  return new Set([...whole, ...[...named].filter(([, set]) => set.size > 0).map(([a]) => a)]);
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
