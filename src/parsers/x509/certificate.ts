import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateEntry, GeneralNames, KeyUsageName, PublicKeyInfo, SignatureHash } from '../../model/x509.js';
import { KEY_USAGE_NAMES } from '../../model/x509.js';
import type { FileLocation } from '../../model/location.js';
import {
  type Asn1, T, bitLength, bytes, children, fromDer, integerHex, isContext, isUniversal, oidOf, timeOf, toDerBuffer,
} from './asn1.js';
import { CURVE_BITS_BY_NAME, DIGEST_OIDS, EKU_NAMES, KEY_ALGORITHM_OIDS, NAMED_CURVES, OID, SIGNATURE_ALGORITHMS } from './oids.js';

export class CertificateDecodeError extends Error {}

/**
 * Decodes one DER certificate from its ASN.1 alone (forge's ASN.1 layer reads any key type;
 * forge's certificate layer would refuse ECDSA and EdDSA). OpenSSL (node:crypto) is only
 * asked to check a self-issued certificate's own signature here; checks that need it
 * (chains, hostnames) build an X509Certificate lazily.
 */
export function decodeCertificate(der: Buffer, index: number, location: FileLocation, source: string): CertificateEntry {
  let root: Asn1;
  try {
    root = fromDer(der);
  } catch (err) {
    throw new CertificateDecodeError(`not valid DER: ${(err as Error).message}`);
  }
  const [tbs, sigAlg] = children(root);
  if (!isUniversal(tbs, T.SEQUENCE) || !isUniversal(sigAlg, T.SEQUENCE)) {
    throw new CertificateDecodeError('not an X.509 certificate (no TBSCertificate/signatureAlgorithm)');
  }
  const fields = children(tbs);
  let i = 0;
  let version = 1;
  if (isContext(fields[0], 0)) {
    version = Number(BigInt('0x' + (integerHex(children(fields[0])[0]) || '0'))) + 1;
    i = 1;
  }
  const serial = fields[i];
  const issuerName = fields[i + 2];
  const validity = fields[i + 3];
  const subjectName = fields[i + 4];
  const spki = fields[i + 5];
  const extensionsWrapper = fields.slice(i + 6).find((f) => isContext(f, 3));
  const [nbNode, naNode] = children(validity);
  const notBefore = timeOf(nbNode);
  const notAfter = timeOf(naNode);
  if (!notBefore || !notAfter || !spki || !subjectName || !issuerName) {
    throw new CertificateDecodeError('TBSCertificate is missing validity, names or key');
  }

  const subjectDerHex = toDerBuffer(subjectName).toString('hex');
  const issuerDerHex = toDerBuffer(issuerName).toString('hex');
  const publicKey = describeSpki(spki);
  const entry: CertificateEntry = {
    index,
    location,
    der,
    version,
    serialNumber: integerHex(serial).toUpperCase(),
    subject: formatName(subjectName),
    issuer: formatName(issuerName),
    subjectDerHex,
    issuerDerHex,
    subjectCommonNames: attributeValues(subjectName, '2.5.4.3'),
    notBefore,
    notAfter,
    signatureAlgorithm: signatureAlgorithmOf(sigAlg),
    publicKey,
    ocspUrls: [],
    selfIssued: subjectDerHex === issuerDerHex,
    selfSigned: false,
    fingerprintSha256: colonHex(createHash('sha256').update(der).digest()),
    source,
  };
  for (const ext of children(children(extensionsWrapper)[0])) applyExtension(entry, ext);
  // Only a self-issued certificate needs OpenSSL here: does its own key verify it?
  if (entry.selfIssued) entry.selfSigned = selfSignatureVerifies(der);
  return entry;
}

function selfSignatureVerifies(der: Buffer): boolean {
  try {
    const x509 = new X509Certificate(der);
    return x509.verify(x509.publicKey);
  } catch {
    return false;
  }
}

function colonHex(b: Buffer): string {
  return b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.9': 'street', '2.5.4.12': 'title', '2.5.4.42': 'GN', '2.5.4.4': 'SN',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID', '1.2.840.113549.1.9.1': 'emailAddress',
};

/** One-line DN in certificate order ("CN=a, O=b"), as a display string (not for matching). */
export function formatName(name: Asn1): string {
  const parts: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [typeNode, valueNode] = children(atv);
      const type = oidOf(typeNode) ?? '?';
      parts.push(`${ATTRIBUTE_NAMES[type] ?? type}=${stringValue(valueNode)}`);
    }
  }
  return parts.join(', ');
}

function attributeValues(name: Asn1, type: string): string[] {
  const out: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [typeNode, valueNode] = children(atv);
      if (oidOf(typeNode) === type) out.push(stringValue(valueNode));
    }
  }
  return out;
}

function stringValue(node: Asn1 | undefined): string {
  const raw = bytes(node);
  if (!node) return '';
  try {
    if (node.type === T.UTF8) return Buffer.from(raw, 'binary').toString('utf8');
    if (node.type === T.BMPSTRING) return Buffer.from(raw, 'binary').swap16().toString('utf16le');
  } catch {
    // fall through to the byte view
  }
  return raw;
}

function signatureAlgorithmOf(algId: Asn1): { oid: string; name: string; hash: SignatureHash } {
  const [oidNode, params] = children(algId);
  const oid = oidOf(oidNode) ?? 'unknown';
  const known = SIGNATURE_ALGORITHMS[oid];
  if (!known) return { oid, name: oid, hash: 'unknown' };
  if (known.name === 'rsassaPss') return { oid, name: 'rsassaPss', hash: pssHash(params) };
  return { oid, ...known };
}

/** RSASSA-PSS-params: [0] hashAlgorithm DEFAULT sha1 (RFC 4055 §3.1). */
function pssHash(params: Asn1 | undefined): SignatureHash {
  const hashField = children(params).find((c) => isContext(c, 0));
  if (!hashField) return 'sha1';
  const digestOid = oidOf(children(children(hashField)[0])[0]);
  return (digestOid && DIGEST_OIDS[digestOid]) || 'unknown';
}

/**
 * Key facts straight from the SubjectPublicKeyInfo: no OpenSSL object per certificate (the
 * parser reads thousands per second). spkiSha256 hashes the DER as found, which is what
 * OpenSSL re-encodes a named-curve or RSA key to, so it equals the private key's.
 */
export function describeSpki(spki: Asn1): PublicKeyInfo {
  const [algId, keyBits] = children(spki);
  const [algOidNode, algParams] = children(algId);
  const algOid = oidOf(algOidNode) ?? '';
  const info: PublicKeyInfo = { algorithm: KEY_ALGORITHM_OIDS[algOid] ?? 'unknown' };
  const keyBytes = bytes(keyBits).slice(1); // drop the unused-bits octet
  try {
    switch (info.algorithm) {
      case 'rsa':
      case 'rsa-pss': {
        const [n, e] = children(fromDer(Buffer.from(keyBytes, 'binary')));
        info.bits = bitLength(bytes(n));
        info.exponent = BigInt('0x' + (integerHex(e) || '0')).toString();
        break;
      }
      case 'ec': {
        const curveOid = oidOf(algParams);
        if (curveOid) {
          const named = NAMED_CURVES[curveOid];
          info.curve = named?.name ?? curveOid;
          if (named) info.bits = named.bits;
        } else if (isUniversal(algParams, T.SEQUENCE)) {
          // specifiedCurve: ECParameters { version, fieldID, curve, base, order, cofactor? }
          info.explicitCurve = true;
          info.bits = bitLength(bytes(children(algParams)[4]));
        }
        break;
      }
      case 'ed25519':
        info.bits = 256;
        break;
      case 'ed448':
        info.bits = 456;
        break;
      case 'dsa':
        info.bits = bitLength(bytes(children(algParams)[0]));
        break;
      default:
        break;
    }
  } catch {
    // a malformed key: the facts stay unknown and the key-strength rules say so
  }
  info.spkiSha256 = createHash('sha256').update(toDerBuffer(spki)).digest('hex');
  return info;
}

/** Facts from a node:crypto KeyObject (public or private). */
export function describeKeyObject(key: KeyObject, known: Partial<PublicKeyInfo> = {}): PublicKeyInfo {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const info: PublicKeyInfo = { ...known, algorithm: (known.algorithm && known.algorithm !== 'unknown') ? known.algorithm : mapType(type) };
  if (details.modulusLength) info.bits = details.modulusLength;
  if (details.publicExponent !== undefined) info.exponent = details.publicExponent.toString();
  if (details.namedCurve && !info.explicitCurve) {
    info.curve = info.curve && !/^\d/.test(info.curve) ? info.curve : details.namedCurve;
    info.bits = info.bits ?? CURVE_BITS_BY_NAME[details.namedCurve];
  }
  if (type === 'ed25519') info.bits = 256;
  if (type === 'ed448') info.bits = 456;
  try {
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    info.spkiSha256 = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
  } catch {
    // Explicit-parameter EC keys may not re-export; key matching then falls back to not-evaluated.
  }
  return info;
}

function mapType(type: string | undefined): PublicKeyInfo['algorithm'] {
  switch (type) {
    case 'rsa': case 'rsa-pss': case 'ec': case 'ed25519': case 'ed448': case 'dsa': return type;
    default: return 'unknown';
  }
}

function applyExtension(entry: CertificateEntry, ext: Asn1): void {
  const parts = children(ext);
  const oid = oidOf(parts[0]);
  const critical = isUniversal(parts[1], T.BOOLEAN) && bytes(parts[1]) !== '\x00';
  const octets = parts[parts.length - 1];
  if (!oid || !isUniversal(octets, T.OCTETSTRING)) return;
  let value: Asn1;
  try {
    value = fromDer(Buffer.from(bytes(octets), 'binary'));
  } catch {
    return; // a malformed extension: OpenSSL-based checks still run; we just lack the field
  }
  switch (oid) {
    case OID.subjectAltName:
      entry.subjectAltName = { ...generalNames(value), critical };
      break;
    case OID.basicConstraints: {
      const [first, second] = children(value);
      const ca = isUniversal(first, T.BOOLEAN) ? bytes(first) !== '\x00' : false;
      const lenNode = isUniversal(first, T.INTEGER) ? first : isUniversal(second, T.INTEGER) ? second : undefined;
      entry.basicConstraints = { ca, critical, ...(lenNode ? { pathLength: Number.parseInt(integerHex(lenNode) || '0', 16) } : {}) };
      break;
    }
    case OID.keyUsage:
      entry.keyUsage = { usages: keyUsages(bytes(value)), critical };
      break;
    case OID.extKeyUsage: {
      const oids = children(value).map(oidOf).filter((o): o is string => !!o);
      entry.extendedKeyUsage = { oids, names: oids.map((o) => EKU_NAMES[o] ?? o), critical };
      break;
    }
    case OID.authorityInfoAccess:
      for (const desc of children(value)) {
        const [method, location] = children(desc);
        if (oidOf(method) === OID.ocsp && isContext(location, 6)) entry.ocspUrls.push(bytes(location));
      }
      break;
    default:
      break;
  }
}

/** BIT STRING content: first byte = unused bits; bit 0 is the MSB of the first byte. */
function keyUsages(bitString: string): KeyUsageName[] {
  const out: KeyUsageName[] = [];
  for (let bit = 0; bit < KEY_USAGE_NAMES.length; bit++) {
    const byte = bitString.charCodeAt(1 + (bit >> 3));
    if (!Number.isNaN(byte) && (byte & (0x80 >> (bit & 7))) !== 0) out.push(KEY_USAGE_NAMES[bit]!);
  }
  return out;
}

function generalNames(seq: Asn1): GeneralNames {
  const names: GeneralNames = { dns: [], ip: [], email: [], uri: [] };
  for (const gn of children(seq)) {
    if (isContext(gn, 2)) names.dns.push(bytes(gn));
    else if (isContext(gn, 1)) names.email.push(bytes(gn));
    else if (isContext(gn, 6)) names.uri.push(bytes(gn));
    else if (isContext(gn, 7)) names.ip.push(ipToString(Buffer.from(bytes(gn), 'binary')));
  }
  return names;
}

function ipToString(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    return groups.join(':');
  }
  return b.toString('hex');
}
