import type { Check, CheckOutcome } from '../../engine/types.js';
import { describeKey } from './common.js';
import { CA_OOPS, HANDSHAKES_FAIL, certOops, keyOops, opensslSlot, refuses } from './vsftpd-effects.js';
import { vsftpdTlsSetups, type VsftpdFileRef, type VsftpdTlsSetup } from './vsftpd-refs.js';

/**
 * With ssl_enable=YES, the files vsftpd.conf names must hold what the daemon loads at
 * startup: a PEM certificate (chain) in rsa_cert_file, a matching unencrypted PEM key in
 * rsa_private_key_file (default: the certificate file itself), readable CA certificates in
 * ca_certs_file when client certificates are requested. Each defect is reported on the
 * directive's line with what the real daemon then does.
 */
type Verdict = { status: CheckOutcome['status']; problem: string; effect: string };

function pathOf(ref: VsftpdFileRef): string {
  return ref.resolution.shownPath;
}

function unresolved(ref: VsftpdFileRef, oops: string): Verdict | undefined {
  const r = ref.resolution;
  switch (r.status) {
    case 'found':
      return undefined;
    case 'outside-tree':
      return { status: 'not-evaluated', problem: r.reason, effect: '' };
    case 'missing':
      return { status: 'fail', problem: `${r.shownPath} does not exist`, effect: refuses(oops).text };
    case 'unreadable':
      return { status: 'fail', problem: `${r.shownPath} cannot be read (${r.detail})`, effect: refuses(oops).text };
    case 'not-x509':
      return { status: 'fail', problem: `${r.shownPath} is not PEM certificate/key material (${r.detail})`, effect: refuses(oops).text };
  }
}

function judgeCert(ref: VsftpdFileRef): Verdict {
  const u = unresolved(ref, certOops(ref.option));
  if (u) return u;
  const file = ref.resolution.status === 'found' ? ref.resolution.file : undefined;
  const refuse = refuses(certOops(ref.option)).text;
  if (!file) return { status: 'error', problem: 'unresolved', effect: '' };
  if (file.encoding !== 'pem') return { status: 'fail', problem: `${pathOf(ref)} is ${file.encoding.toUpperCase()}, and vsftpd reads certificates as PEM only`, effect: refuse };
  if (file.certificates.length === 0) return { status: 'fail', problem: `${pathOf(ref)} holds no readable certificate`, effect: refuse };
  // SSL_CTX_use_certificate_chain_file reads PEM blocks to the end of the file: a broken
  // block anywhere (bad base64, no END line, a certificate that does not decode) fails it.
  const broken = file.problems.find((p) => BROKEN_PEM.has(p.code));
  if (broken) return { status: 'fail', problem: `${pathOf(ref)} has a broken PEM block at line ${broken.line ?? '?'} (${broken.code})`, effect: refuse };
  return { status: 'pass', problem: '', effect: '' };
}

/** Problems that make OpenSSL's PEM reader stop with an error. */
const BROKEN_PEM = new Set(['x509/pem-bad-base64', 'x509/pem-unterminated', 'x509/pem-empty', 'x509/bad-certificate']);

function judgeKey(keyRef: VsftpdFileRef, certRef: VsftpdFileRef): Verdict {
  const oops = keyOops(keyRef.option);
  const u = unresolved(keyRef, oops);
  if (u) return u;
  const file = keyRef.resolution.status === 'found' ? keyRef.resolution.file : undefined;
  if (!file) return { status: 'error', problem: 'unresolved', effect: '' };
  const where = keyRef.source === 'from-cert-file' ? `${pathOf(keyRef)} (no ${keyRef.option} set, so vsftpd reads the key from ${certRef.option})` : pathOf(keyRef);
  const refuse = refuses(oops).text;
  if (file.encoding !== 'pem') return { status: 'fail', problem: `${where} is ${file.encoding.toUpperCase()}, and vsftpd reads keys as PEM only`, effect: refuse };
  // PEM_read_bio_PrivateKey takes the first private key it can read: unlike the certificate
  // chain reader it steps over broken blocks and keys that do not decode - but an encrypted
  // key stops it (no passphrase). The daemon test shows each case.
  const key = file.privateKeys.find((k) => k.encrypted || k.publicKey?.spkiSha256) ?? file.privateKeys[0];
  if (!key) return { status: 'fail', problem: `${where} holds no private key`, effect: refuse };
  if (key.encrypted) {
    return { status: 'fail', problem: `the private key in ${where} is encrypted and vsftpd has no passphrase option (it would prompt on a terminal; under systemd the load fails)`, effect: refuse };
  }
  if (!key.publicKey?.spkiSha256) return { status: 'fail', problem: `the private key in ${where} cannot be read`, effect: refuse };
  const cert = certRef.resolution.status === 'found' ? certRef.resolution.file.certificates[0] : undefined;
  if (!cert || certRef.resolution.status !== 'found' || certRef.resolution.file.encoding !== 'pem') {
    return { status: 'pass', problem: '', effect: '' }; // the certificate's own verdict covers it
  }
  if (!cert.publicKey.spkiSha256) return { status: 'not-evaluated', problem: 'the certificate key could not be re-encoded to compare', effect: '' };
  if (cert.publicKey.spkiSha256 === key.publicKey.spkiSha256) return { status: 'pass', problem: '', effect: '' };
  const mismatch = `the private key (${describeKey(key.publicKey)}) in ${where} does not belong to the certificate ${cert.subject} (${describeKey(cert.publicKey)})`;
  if (opensslSlot(key.publicKey.algorithm) === opensslSlot(cert.publicKey.algorithm)) return { status: 'fail', problem: mismatch, effect: refuse };
  return { status: 'fail', problem: mismatch, effect: HANDSHAKES_FAIL.text };
}

function judgeCa(ref: VsftpdFileRef): Verdict {
  const u = unresolved(ref, CA_OOPS);
  if (u) return u;
  const file = ref.resolution.status === 'found' ? ref.resolution.file : undefined;
  if (!file) return { status: 'error', problem: 'unresolved', effect: '' };
  if (file.encoding !== 'pem' || file.certificates.length === 0) {
    return { status: 'fail', problem: `${pathOf(ref)} holds no PEM CA certificate`, effect: refuses(CA_OOPS).text };
  }
  return { status: 'pass', problem: '', effect: '' };
}

function toOutcome(setup: VsftpdTlsSetup, ref: VsftpdFileRef, v: Verdict): CheckOutcome {
  const data = { config: setup.config.file, option: ref.option, path: ref.value, problem: v.problem, effect: v.effect, reason: v.problem };
  const messageId = v.status === 'pass' ? 'pass' : v.status === 'not-evaluated' ? 'notEvaluated' : 'fail';
  const assumptions = [`${setup.config.flavor} build of vsftpd 3.0.3${ref.source === 'default' ? `; ${ref.option} is the build default` : ''}`];
  return {
    status: v.status,
    messageId,
    data,
    location: ref.location,
    evidence: ref.evidence,
    assumptions,
    key: `${setup.config.file}#${ref.option}`,
  };
}

export const vsftpdTlsMaterial: Check = {
  name: 'x509.vsftpd-tls-material',
  target: 'x509',
  description: 'ssl_enable=YES with a certificate, key or CA file vsftpd cannot use',
  messageIds: ['pass', 'fail', 'notEvaluated', 'noCertificate'],
  appliesTo: (inv) => vsftpdTlsSetups(inv).some((s) => s.sslEnabled),
  run({ inventory }) {
    const out: CheckOutcome[] = [];
    for (const setup of vsftpdTlsSetups(inventory)) {
      if (!setup.sslEnabled) continue;
      if (!setup.rsaCert && !setup.dsaCert) {
        out.push({
          status: 'fail',
          messageId: 'noCertificate',
          data: { config: setup.config.file, effect: HANDSHAKES_FAIL.text },
          location: setup.sslEnableLocation,
          key: `${setup.config.file}#rsa_cert_file`,
        });
      }
      for (const [cert, key] of [[setup.rsaCert, setup.rsaKey], [setup.dsaCert, setup.dsaKey]] as const) {
        if (!cert || !key) continue;
        out.push(toOutcome(setup, cert, judgeCert(cert)));
        // A key read from the cert file is reported on the rsa_cert_file line too, under its own key.
        out.push(toOutcome(setup, key.source === 'from-cert-file' ? { ...key, location: cert.location, evidence: cert.evidence } : key, judgeKey(key, cert)));
      }
      if (setup.caCerts && setup.caCertsLoaded) out.push(toOutcome(setup, setup.caCerts, judgeCa(setup.caCerts)));
    }
    return out;
  },
};
