import type { Inventory } from '../../model/inventory.js';
import type { CertificateInventoryEntry } from '../../model/x509.js';
import { allCertificates, describeKey, isCA } from './common.js';
import { usesByCertificate } from './vsftpd-refs.js';

/**
 * The certificate inventory PCI DSS 4.2.1.1 asks for: every certificate found, what it is,
 * and where it is used. Public data only - no key material.
 */
export function certificateInventory(inv: Inventory): CertificateInventoryEntry[] {
  const uses = usesByCertificate(inv);
  return allCertificates(inv).map(({ file, cert }) => {
    const san = cert.subjectAltName;
    const entry: CertificateInventoryEntry = {
      file: file.file,
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
      sans: san ? [...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP:${i}`), ...san.email.map((e) => `email:${e}`), ...san.uri.map((u) => `URI:${u}`)] : [],
      key: describeKey(cert.publicKey),
      signatureAlgorithm: cert.signatureAlgorithm.name,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      fingerprintSha256: cert.fingerprintSha256,
      selfSigned: cert.selfSigned,
      isCA: isCA(cert),
      usedBy: uses.get(cert.fingerprintSha256) ?? [],
    };
    if (cert.location.line !== undefined) entry.line = cert.location.line;
    return entry;
  });
}
