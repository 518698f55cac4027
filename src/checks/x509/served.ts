import type { Inventory } from '../../model/inventory.js';
import { serverCertificates, type CertRef } from './common.js';
import { servedCertificates } from './vsftpd-refs.js';

/**
 * The certificates the TLS-server rules judge: what vsftpd serves (when a config in the run
 * points at it) plus every other end-entity certificate heading a file in the tree.
 */
export function serverCertificatesFor(inv: Inventory): CertRef[] {
  return serverCertificates(inv, servedCertificates(inv).map(({ file, cert }) => ({ file, cert })));
}

/**
 * The certificates a hostname is checked against: only what vsftpd serves when the run has a
 * config that serves one (other leaf certificates in the tree may belong to other hosts),
 * else every server certificate.
 */
export function hostnameSubjects(inv: Inventory): CertRef[] {
  const served = servedCertificates(inv).map(({ file, cert }) => ({ file, cert }));
  return served.length > 0 ? dedupeRefs(served) : serverCertificates(inv);
}

function dedupeRefs(refs: CertRef[]): CertRef[] {
  const seen = new Set<unknown>();
  return refs.filter((r) => (seen.has(r.cert) ? false : (seen.add(r.cert), true)));
}
