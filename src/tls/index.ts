// Public API of the TLS knowledge library.
export * from './suites.js';
export * from './protocols.js';
export * from './groups.js';
