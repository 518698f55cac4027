import { createRequire } from 'node:module';
import type Forge from 'node-forge';

/**
 * Thin helpers over node-forge's ASN.1 layer. We use forge only for structure (it reads
 * any certificate, whatever its key type) and leave keys and signatures to node:crypto,
 * because forge's certificate layer only understands RSA.
 */
export type Asn1 = Forge.asn1.Asn1;

const requireCjs = createRequire(import.meta.url);
let loaded: typeof Forge | undefined;
/**
 * node-forge, loaded on first use: every check module imports these helpers, but a scan
 * (or a worker thread of one) that meets no certificate never needs forge's 30 ms load.
 */
export function forge(): typeof Forge {
  return (loaded ??= requireCjs('node-forge') as typeof Forge);
}

/** forge's ASN.1 namespace (loads forge). */
export function asn1(): typeof Forge.asn1 {
  return forge().asn1;
}

/** ASN.1 universal tag numbers (X.680), as forge.asn1.Type names them (a test holds them equal). */
export const T = {
  BOOLEAN: 1,
  INTEGER: 2,
  BITSTRING: 3,
  OCTETSTRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLESTRING: 19,
  IA5STRING: 22,
  UTCTIME: 23,
  GENERALIZEDTIME: 24,
  BMPSTRING: 30,
} as const;
/** ASN.1 tag classes, as forge.asn1.Class names them. */
export const C = { UNIVERSAL: 0x00, APPLICATION: 0x40, CONTEXT_SPECIFIC: 0x80, PRIVATE: 0xc0 } as const;

export function fromDer(der: Buffer): Asn1 {
  // decodeBitStrings:false keeps BIT STRING contents opaque: faster, and never mistakes a
  // signature for nested ASN.1. strict parsing rejects trailing or truncated data.
  return asn1().fromDer(forge().util.createBuffer(der.toString('binary')), { strict: true, decodeBitStrings: false } as never);
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
  return asn1().derToOid(bytes(node));
}

export function toDerBuffer(node: Asn1): Buffer {
  return Buffer.from(asn1().toDer(node).getBytes(), 'binary');
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
  if (node.type === T.UTCTIME) return asn1().utcTimeToDate(bytes(node));
  if (node.type === T.GENERALIZEDTIME) return asn1().generalizedTimeToDate(bytes(node));
  return undefined;
}
