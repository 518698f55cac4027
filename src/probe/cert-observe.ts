import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateChainObservation, CertificateObservation } from '../model/probe.js';

/** Turn DER certificates as sent by the server into observations (no private data: certs are public). */
export function describeCertificate(c: X509Certificate): CertificateObservation {
  const key = c.publicKey;
  const details = key.asymmetricKeyDetails;
  return {
    subject: c.subject.replace(/\n/g, ', '),
    issuer: c.issuer.replace(/\n/g, ', '),
    serialNumber: c.serialNumber,
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    fingerprint256: c.fingerprint256,
    subjectAltName: c.subjectAltName,
    keyType: key.asymmetricKeyType,
    keyBits: details?.modulusLength ?? (details?.namedCurve ? curveBits(details.namedCurve) : undefined),
    signatureAlgorithm: signatureAlgorithmOf(c),
    selfSigned: c.subject === c.issuer && safeVerify(c, c),
    pem: c.toString(),
  };
}

function curveBits(curve: string): number | undefined {
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : undefined;
}

/** Node has no accessor for the signature algorithm; read its OID from the DER (tbs is followed by it). */
function signatureAlgorithmOf(c: X509Certificate): string | undefined {
  const der = c.raw;
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }
  try {
    let pos = 0;
    const readLen = (): number => {
      let len = der[pos++]!;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = (len << 8) | der[pos++]!;
      }
      return len;
    };
    pos++; readLen(); // outer SEQUENCE
    pos++; const tbsLen = readLen(); pos += tbsLen; // skip tbsCertificate
    pos++; readLen(); // AlgorithmIdentifier SEQUENCE
    if (der[pos++] !== 0x06) return undefined;
    const oidLen = readLen();
    const oid = der.subarray(pos, pos + oidLen).toString('hex');
    return SIG_OIDS[oid] ?? `oid:${oid}`;
  } catch {
    return undefined;
  }
}

const SIG_OIDS: Record<string, string> = {
  '2a864886f70d010104': 'md5WithRSAEncryption',
  '2a864886f70d010105': 'sha1WithRSAEncryption',
  '2a864886f70d01010b': 'sha256WithRSAEncryption',
  '2a864886f70d01010c': 'sha384WithRSAEncryption',
  '2a864886f70d01010d': 'sha512WithRSAEncryption',
  '2a864886f70d01010a': 'rsassaPss',
  '2a8648ce3d040302': 'ecdsa-with-SHA256',
  '2a8648ce3d040303': 'ecdsa-with-SHA384',
  '2a8648ce3d040304': 'ecdsa-with-SHA512',
  '2a8648ce3d0401': 'ecdsa-with-SHA1',
  '2b6570': 'Ed25519',
  '2b6571': 'Ed448',
};

function safeVerify(c: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return c.checkIssued(issuer) && c.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

let systemRoots: X509Certificate[] | null = null;
function trustAnchors(caFile?: string): X509Certificate[] {
  if (caFile) {
    const pem = fs.readFileSync(caFile, 'utf8');
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((b) => new X509Certificate(b));
  }
  if (!systemRoots) systemRoots = tls.rootCertificates.map((p) => new X509Certificate(p));
  return systemRoots;
}

/**
 * Verify a chain as sent: each certificate signed by the next, the last one issued by (or
 * equal to) a trust anchor, every one within its validity period, and the leaf valid for
 * the name. Returns OpenSSL-like reasons so reports read familiar.
 */
export function observeChain(ders: Buffer[], source: string, hostname: string, caFile: string | undefined, now = new Date()): CertificateChainObservation | null {
  const certs: X509Certificate[] = [];
  for (const d of ders) {
    try {
      certs.push(new X509Certificate(d));
    } catch {
      /* an unparsable certificate is skipped; the chain below shows what was usable */
    }
  }
  if (certs.length === 0) return null;
  const leaf = certs[0]!;
  let trustError: string | undefined;
  const anchors = trustAnchors(caFile);
  for (let i = 0; i + 1 < certs.length && !trustError; i++) {
    if (!safeVerify(certs[i]!, certs[i + 1]!)) trustError = `certificate ${i} is not signed by certificate ${i + 1} in the chain sent`;
  }
  if (!trustError) {
    const last = certs[certs.length - 1]!;
    const anchored = anchors.some((a) => a.fingerprint256 === last.fingerprint256 || safeVerify(last, a));
    if (!anchored) {
      trustError = certs.length === 1 && last.subject === last.issuer
        ? 'DEPTH_ZERO_SELF_SIGNED_CERT'
        : last.subject === last.issuer ? 'SELF_SIGNED_CERT_IN_CHAIN' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
    }
  }
  for (const c of certs) {
    if (trustError) break;
    if (new Date(c.validTo) < now) trustError = 'CERT_HAS_EXPIRED';
    else if (new Date(c.validFrom) > now) trustError = 'CERT_NOT_YET_VALID';
  }
  const hostnameMatches = net.isIP(hostname) ? leaf.checkIP(hostname) !== undefined : leaf.checkHost(hostname) !== undefined;
  return {
    source,
    chain: certs.map(describeCertificate),
    trusted: !trustError,
    trustError,
    hostnameChecked: hostname,
    hostnameMatches,
  };
}
