import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Inventory } from '../../model/inventory.js';
import type { CertificateEntry } from '../../model/x509.js';
import { decodeCertificate } from '../../parsers/x509/certificate.js';
import { splitPem } from '../../parsers/x509/pem.js';
import { issued } from './common.js';

/**
 * Trust anchors and chain building, modelled on `openssl verify` so that our verdicts and
 * OpenSSL's agree (the truth tests compare them): the chain is built upward from the leaf
 * through the untrusted certificates the server sends, and is trusted only when it ends in a
 * self-signed certificate that is one of the anchors (OpenSSL without -partial_chain).
 */

export interface TrustStore {
  /** Where the anchors came from: the --ca-file path, or the system bundle. */
  source: string;
  anchors: CertificateEntry[];
  /** Anchors by subject DER, for issuer lookup. */
  bySubject: Map<string, CertificateEntry[]>;
  /** Set when the store could not be read (then nothing is trusted, and rules say why). */
  error?: string;
}

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];
const storeCache = new Map<string, TrustStore>();

export function trustStoreFor(inv: Inventory): TrustStore {
  const caFile = inv.settings.caFile;
  const key = caFile ?? '<system>';
  let store = storeCache.get(key);
  if (!store) {
    store = caFile ? loadPemFile(caFile, caFile) : loadSystemStore();
    storeCache.set(key, store);
  }
  return store;
}

/** For tests: forget loaded stores. */
export function clearTrustStoreCache(): void {
  storeCache.clear();
}

function loadSystemStore(): TrustStore {
  const bundle = SYSTEM_BUNDLES.find((p) => existsSync(p));
  if (bundle) return loadPemFile(bundle, `system store ${bundle}`);
  return fromPemText(rootCertificates.join('\n'), "Node's bundled Mozilla root store");
}

function loadPemFile(file: string, source: string): TrustStore {
  try {
    return fromPemText(readFileSync(file, 'latin1'), source);
  } catch (err) {
    return { source, anchors: [], bySubject: new Map(), error: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

function fromPemText(text: string, source: string): TrustStore {
  const anchors: CertificateEntry[] = [];
  for (const block of splitPem(text).blocks) {
    if (!/CERTIFICATE$/.test(block.label)) continue;
    try {
      anchors.push(decodeCertificate(block.der, anchors.length, { file: source }, block.label));
    } catch {
      // OpenSSL skips unreadable entries of a CA file too
    }
  }
  const bySubject = new Map<string, CertificateEntry[]>();
  for (const a of anchors) bySubject.set(a.subjectDerHex, [...(bySubject.get(a.subjectDerHex) ?? []), a]);
  return { source, anchors, bySubject, ...(anchors.length === 0 ? { error: `no certificates in ${source}` } : {}) };
}

export interface ChainVerdict {
  trusted: boolean;
  /** The path found, leaf first (untrusted part plus the anchor when trusted). */
  path: CertificateEntry[];
  /** Why not trusted, in openssl's words where one applies. */
  reason?: 'self-signed-leaf' | 'self-signed-in-chain' | 'unknown-issuer' | 'depth';
  /** The subject whose issuer could not be found. */
  missingIssuerOf?: CertificateEntry;
}

function isAnchor(store: TrustStore, cert: CertificateEntry): boolean {
  return (store.bySubject.get(cert.subjectDerHex) ?? []).some((a) => a.fingerprintSha256 === cert.fingerprintSha256
    || a.publicKey.spkiSha256 === cert.publicKey.spkiSha256);
}

/** Builds the chain for leaf with the untrusted certificates the server sends, then the anchors. */
export function verifyChain(leaf: CertificateEntry, untrusted: CertificateEntry[], store: TrustStore): ChainVerdict {
  const path: CertificateEntry[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 16; depth++) {
    if (current.selfSigned) {
      if (isAnchor(store, current)) return { trusted: true, path };
      return { trusted: false, path, reason: path.length === 1 ? 'self-signed-leaf' : 'self-signed-in-chain' };
    }
    // OpenSSL looks in the trust store first, then among the untrusted certificates.
    const anchor = (store.bySubject.get(current.issuerDerHex) ?? []).find((a) => issued(a, current));
    if (anchor) {
      path.push(anchor);
      if (anchor.selfSigned) return { trusted: true, path };
      current = anchor;
      continue;
    }
    const next = untrusted.find((c) => !path.includes(c) && issued(c, current));
    if (!next) return { trusted: false, path, reason: 'unknown-issuer', missingIssuerOf: current };
    path.push(next);
    current = next;
  }
  return { trusted: false, path, reason: 'depth' };
}

/**
 * Is the served chain complete? Built from the served file alone: complete when it reaches a
 * self-signed certificate, or a certificate whose issuer is a trust anchor.
 */
export function chainCompleteness(leaf: CertificateEntry, served: CertificateEntry[], store: TrustStore): { complete: boolean; top: CertificateEntry } {
  const path: CertificateEntry[] = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 16; depth++) {
    if (current.selfSigned) return { complete: true, top: current };
    if ((store.bySubject.get(current.issuerDerHex) ?? []).some((a) => issued(a, current))) return { complete: true, top: current };
    const next = served.find((c) => !path.includes(c) && issued(c, current));
    if (!next) return { complete: false, top: current };
    path.push(next);
    current = next;
  }
  return { complete: false, top: current };
}
