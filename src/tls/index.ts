// Public API of the TLS knowledge library: suite/group/protocol tables and the OpenSSL
// cipher-string expander.
export * from './suites.js';
export * from './protocols.js';
export * from './groups.js';
export {
  expandCipherString, cipherAllowedAtLevel, OPENSSL_DEFAULT_CIPHER_LIST, OPENSSL_BUILD,
  OPENSSL_DEFAULT_SECURITY_LEVEL, OPENSSL_DEFAULT_TLS13_CIPHERSUITES,
  type CipherStringExpansion, type CipherStringFacts, type CipherStringNote, type CipherStringStatus, type ExpandOptions,
} from './openssl-cipher-string.js';
