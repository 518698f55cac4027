import path from 'node:path';
import type { Check, CheckOutcome } from '../../engine/types.js';
import type { Inventory } from '../../model/inventory.js';
import type { CertificateEntry, PrivateKeyEntry, X509File } from '../../model/x509.js';
import { describeKey, keyLocation, x509Files } from './common.js';
import { vsftpdTlsSetups } from './vsftpd-refs.js';

/** A certificate and the private key that is meant to go with it. */
interface Pairing {
  certFile: X509File;
  cert: CertificateEntry;
  keyFile: X509File;
  key: PrivateKeyEntry;
  how: string;
}

/** Files vsftpd (ssl_enable=YES) reads a key from: x509/vsftpd-tls-material judges those pairs on the directive line. */
function vsftpdKeyFiles(inv: Inventory): Set<X509File> {
  const out = new Set<X509File>();
  for (const s of vsftpdTlsSetups(inv)) {
    if (!s.sslEnabled) continue;
    for (const ref of [s.rsaKey, s.dsaKey]) if (ref?.resolution.status === 'found') out.add(ref.resolution.file);
  }
  return out;
}

/**
 * Pairs to judge: a file with both (the first key goes with the first certificate, as a
 * server reading a combined PEM pairs them), and a key file named like a certificate file in
 * the same directory (server.key beside server.crt/server.pem).
 */
function pairings(inv: Inventory): Pairing[] {
  const skip = vsftpdKeyFiles(inv);
  const files = x509Files(inv);
  const out: Pairing[] = [];
  for (const f of files) {
    if (skip.has(f)) continue;
    const key = f.privateKeys[0];
    const cert = f.certificates[0];
    if (key && cert) {
      out.push({ certFile: f, cert, keyFile: f, key, how: 'in the same file' });
      continue;
    }
    if (key && !cert) {
      const stem = f.file.replace(/\.[^./]+$/, '');
      const partner = files.find((g) => g !== f && g.certificates.length > 0 && g.privateKeys.length === 0
        && path.posix.dirname(g.file) === path.posix.dirname(f.file) && g.file.replace(/\.[^./]+$/, '') === stem);
      if (partner) out.push({ certFile: partner, cert: partner.certificates[0]!, keyFile: f, key, how: `paired by name with ${partner.file}` });
    }
  }
  return out;
}

export const keyMismatch: Check = {
  name: 'x509.key-mismatch',
  target: 'x509',
  description: 'Private key does not belong to the certificate it is paired with',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: (inv) => pairings(inv).length > 0,
  run({ inventory }) {
    return pairings(inventory).map((p): CheckOutcome => {
      const base = {
        location: keyLocation(p.keyFile, p.key),
        key: `${p.keyFile.file}#key${p.key.index}`,
        evidence: `private key at ${p.keyFile.file}:${p.key.location.line ?? 1} (${p.key.format}${p.key.encrypted ? ', encrypted' : ''}); certificate ${p.cert.subject} at ${p.certFile.file}:${p.cert.location.line ?? 1} (${p.how})`,
      };
      const data = { keyFile: p.keyFile.file, certFile: p.certFile.file, subject: p.cert.subject, how: p.how, certKey: describeKey(p.cert.publicKey), privateKey: p.key.publicKey ? describeKey(p.key.publicKey) : 'unreadable' };
      if (!p.key.publicKey?.spkiSha256 || !p.cert.publicKey.spkiSha256) {
        return { ...base, status: 'not-evaluated', messageId: 'notEvaluated', data: { ...data, reason: p.key.encrypted ? 'the private key is encrypted (we do not decrypt keys)' : 'the key could not be read' } };
      }
      const match = p.key.publicKey.spkiSha256 === p.cert.publicKey.spkiSha256;
      return { ...base, status: match ? 'pass' : 'fail', messageId: match ? 'pass' : 'fail', data };
    });
  },
};

function keyFiles(inv: Inventory): X509File[] {
  return x509Files(inv).filter((f) => f.privateKeys.length > 0);
}

/** With --live the scanned files are the server's own, so the mode bits are the real ones. */
export const keyFilePermissions: Check = {
  name: 'x509.private-key-permissions',
  target: 'x509',
  description: 'Private key file readable by group or others (--live only)',
  messageIds: ['pass', 'fail'],
  appliesTo: (inv) => inv.settings.live && keyFiles(inv).length > 0,
  run({ inventory }) {
    return keyFiles(inventory).map((f): CheckOutcome => {
      const mode = (f.mode & 0o777).toString(8).padStart(4, '0');
      const exposed = (f.mode & 0o044) !== 0;
      return {
        status: exposed ? 'fail' : 'pass',
        messageId: exposed ? 'fail' : 'pass',
        data: { file: f.file, mode, who: [(f.mode & 0o040) ? 'group' : '', (f.mode & 0o004) ? 'others' : ''].filter(Boolean).join(' and ') },
        location: { file: f.file },
        evidence: `mode ${mode} on ${f.file} (${f.privateKeys.length} private key${f.privateKeys.length > 1 ? 's' : ''})`,
        key: f.file,
      };
    });
  },
};

/** An unencrypted private key committed to git is leaked to everyone with the repository. */
export const keyInGit: Check = {
  name: 'x509.private-key-in-git',
  target: 'x509',
  description: 'Unencrypted private key tracked by git',
  messageIds: ['pass', 'fail', 'notEvaluated'],
  appliesTo: (inv) => x509Files(inv).some((f) => f.git !== undefined && f.git !== 'outside-repository'),
  run({ inventory }) {
    return x509Files(inventory)
      .filter((f) => f.git !== undefined && f.git !== 'outside-repository')
      .map((f): CheckOutcome => {
        const base = { location: { file: f.file }, key: f.file, evidence: `${f.file}: unencrypted private key, git ${f.git}` };
        if (f.git === 'unknown') return { ...base, status: 'not-evaluated', messageId: 'notEvaluated', data: { file: f.file, reason: 'git could not list the repository (not owned by this user, or git failed)' } };
        const tracked = f.git === 'tracked';
        return { ...base, status: tracked ? 'fail' : 'pass', messageId: tracked ? 'fail' : 'pass', data: { file: f.file } };
      });
  },
};
