import forge from 'node-forge';

/**
 * Thin helpers over node-forge's ASN.1 layer. We use forge only for structure (it reads
 * any certificate, whatever its key type) and leave keys and signatures to node:crypto,
 * because forge's certificate layer only understands RSA.
 */
export type Asn1 = forge.asn1.Asn1;
export const asn1 = forge.asn1;
export const T = forge.asn1.Type;
export const C = forge.asn1.Class;

export function fromDer(der: Buffer): Asn1 {
  // decodeBitStrings:false keeps BIT STRING contents opaque: faster, and never mistakes a
  // signature for nested ASN.1. strict parsing rejects trailing or truncated data.
  return asn1.fromDer(forge.util.createBuffer(der.toString('binary')), { strict: true, decodeBitStrings: false } as never);
}

export function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as Asn1[]) : [];
}

export function bytes(node: Asn1 | undefined): string {
  return node && typeof node.value === 'string' ? node.value : '';
}

export function isUniversal(node: Asn1 | undefined, type: number): node is Asn1 {
  return !!node && node.tagClass === C.UNIVERSAL && node.type === type;
}

export function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return !!node && node.tagClass === C.CONTEXT_SPECIFIC && node.type === tag;
}

export function oidOf(node: Asn1 | undefined): string | undefined {
  if (!isUniversal(node, T.OID)) return undefined;
  return asn1.derToOid(bytes(node));
}

export function toDerBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

/** Unsigned big-endian integer content -> bit length (leading zero bytes ignored). */
export function bitLength(binary: string): number {
  let i = 0;
  while (i < binary.length && binary.charCodeAt(i) === 0) i++;
  if (i === binary.length) return 0;
  const first = binary.charCodeAt(i);
  return (binary.length - i - 1) * 8 + (32 - Math.clz32(first));
}

export function integerHex(node: Asn1 | undefined): string {
  return Buffer.from(bytes(node), 'binary').toString('hex');
}

export function timeOf(node: Asn1 | undefined): Date | undefined {
  if (!node) return undefined;
  if (node.type === T.UTCTIME) return asn1.utcTimeToDate(bytes(node));
  if (node.type === T.GENERALIZEDTIME) return asn1.generalizedTimeToDate(bytes(node));
  return undefined;
}
