import { createPrivateKey } from 'node:crypto';
import type Forge from 'node-forge';
import type { PublicKeyInfo } from '../../model/x509.js';
import { describeKeyObject } from './certificate.js';
import { children, forge as loadForge, fromDer, isUniversal, oidOf, T, toDerBuffer } from './asn1.js';
import { OID } from './oids.js';

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (pkcs7-data...), macData? } */
export function looksLikePkcs12(der: Buffer): boolean {
  try {
    const [version, authSafe] = children(fromDer(der));
    return isUniversal(version, T.INTEGER) && isUniversal(authSafe, T.SEQUENCE)
      // authSafe is pkcs7-data (password integrity) or pkcs7-signedData (public-key integrity)
      && [OID.pkcs7Data, '1.2.840.113549.1.7.2'].includes(oidOf(children(authSafe)[0]) ?? '');
  } catch {
    return false;
  }
}

export interface Pkcs12Contents {
  certificates: Buffer[];
  keys: PublicKeyInfo[];
}

/**
 * Opens a PKCS#12 container with forge (which handles the PBES2/AES and SHA-256 MAC that
 * OpenSSL 3 writes). forge cannot model EC/EdDSA certificates or keys, but it hands back
 * their ASN.1, which we give to node:crypto. Throws with a message on a wrong password.
 */
export function openPkcs12(der: Buffer, password: string): Pkcs12Contents {
  const forge = loadForge();
  const p12Asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const p12 = forge.pkcs12.pkcs12FromAsn1(p12Asn1, false, password);
  const out: Pkcs12Contents = { certificates: [], keys: [] };
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      const raw = bag as unknown as { cert?: Forge.pki.Certificate | null; key?: Forge.pki.PrivateKey | null; asn1?: Forge.asn1.Asn1 };
      if (bag.type === forge.pki.oids.certBag) {
        if (raw.cert) out.certificates.push(toDerBuffer(forge.pki.certificateToAsn1(raw.cert)));
        else if (raw.asn1) out.certificates.push(toDerBuffer(raw.asn1));
      } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        const pkcs8 = raw.key
          ? toDerBuffer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(raw.key as Forge.pki.rsa.PrivateKey)))
          : raw.asn1 ? toDerBuffer(raw.asn1) : undefined;
        if (pkcs8) out.keys.push(describeKeyObject(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })));
      }
    }
  }
  return out;
}
