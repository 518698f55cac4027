import type { Check, CheckOutcome } from '../../engine/types.js';
import type { Inventory } from '../../model/inventory.js';
import { allCertificates, certEvidence, certKey, certLocation, describeKey, numberParam, type CertRef } from './common.js';

/**
 * Key strength of every certificate's public key (leaf, intermediates and anchors: a weak CA
 * key lets anyone forge the leaf). 112-bit security is the floor of PCI DSS "strong
 * cryptography" and NIST SP 800-52r2: RSA >= 2048, EC curves >= 256 bits (P-256/P-384).
 */
function certsWith(inv: Inventory, algorithms: string[]): CertRef[] {
  const seen = new Set<string>();
  return allCertificates(inv).filter((r) => {
    if (!algorithms.includes(r.cert.publicKey.algorithm)) return false;
    const k = `${r.file.file}\0${r.cert.fingerprintSha256}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

const sizeSchema = (name: string) => ({ type: 'object', properties: { [name]: { type: 'number', minimum: 1 } }, additionalProperties: false });

export const rsaKeyTooSmall: Check = {
  name: 'x509.rsa-key-too-small',
  target: 'x509',
  description: 'RSA/DSA certificate key shorter than the minimum (2048 bits)',
  messageIds: ['pass', 'fail'],
  paramsSchema: sizeSchema('minBits'),
  appliesTo: (inv) => certsWith(inv, ['rsa', 'rsa-pss', 'dsa']).length > 0,
  run({ inventory, params }) {
    const minBits = numberParam(params, 'minBits', 2048);
    return certsWith(inventory, ['rsa', 'rsa-pss', 'dsa']).map((ref): CheckOutcome => {
      const bits = ref.cert.publicKey.bits ?? 0;
      const weak = bits < minBits;
      return {
        status: weak ? 'fail' : 'pass',
        messageId: weak ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, key: describeKey(ref.cert.publicKey), bits, minBits },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

export const ecCurveWeak: Check = {
  name: 'x509.ec-curve-weak',
  target: 'x509',
  description: 'EC certificate key on a curve under 256 bits, or with explicit (unnamed) curve parameters',
  messageIds: ['pass', 'fail', 'explicit'],
  paramsSchema: sizeSchema('minBits'),
  appliesTo: (inv) => certsWith(inv, ['ec']).length > 0,
  run({ inventory, params }) {
    const minBits = numberParam(params, 'minBits', 256);
    return certsWith(inventory, ['ec']).map((ref): CheckOutcome => {
      const k = ref.cert.publicKey;
      const explicit = k.explicitCurve === true;
      const weak = explicit || (k.bits ?? 0) < minBits;
      return {
        status: weak ? 'fail' : 'pass',
        messageId: explicit ? 'explicit' : weak ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, key: describeKey(k), curve: k.curve ?? 'explicit', bits: k.bits ?? 0, minBits },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};

/** FIPS 186-4 B.3.1 / NIST SP 800-89: e odd and 65537 <= e < 2^256. */
export const rsaExponentWeak: Check = {
  name: 'x509.rsa-exponent-weak',
  target: 'x509',
  description: 'RSA public exponent below 65537 or even',
  messageIds: ['pass', 'fail'],
  paramsSchema: sizeSchema('minExponent'),
  appliesTo: (inv) => certsWith(inv, ['rsa', 'rsa-pss']).length > 0,
  run({ inventory, params }) {
    const minExponent = BigInt(numberParam(params, 'minExponent', 65537));
    return certsWith(inventory, ['rsa', 'rsa-pss']).map((ref): CheckOutcome => {
      const e = BigInt(ref.cert.publicKey.exponent ?? '0');
      const weak = e < minExponent || e % 2n === 0n;
      return {
        status: weak ? 'fail' : 'pass',
        messageId: weak ? 'fail' : 'pass',
        data: { subject: ref.cert.subject, exponent: e.toString(), minExponent: minExponent.toString() },
        location: certLocation(ref),
        evidence: certEvidence(ref.cert),
        key: certKey(ref.cert),
      };
    });
  },
};
