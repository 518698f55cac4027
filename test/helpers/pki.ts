import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test-time PKI made with the real openssl CLI: keys of every type, CAs, and certificates
 * with dates relative to now (`openssl ca -startdate/-enddate`), so nothing rots.
 */

export type KeySpec =
  | 'rsa2048' | 'rsa3072' | 'rsa1024' | 'rsa2048-e3' | 'rsa-pss'
  | 'p256' | 'p384' | 'p521' | 'p192' | 'p256-explicit' | 'ed25519';

export interface CertSpec {
  subject?: string;
  /** DNS/IP subjectAltName entries, e.g. ['DNS:ftp.example.com', 'IP:127.0.0.1']; [] = no SAN. */
  san?: string[];
  /** Offsets from now in days (negative = past). Default: -1 .. +90. */
  startDays?: number;
  endDays?: number;
  /** Digest for the issuer's signature: sha256 (default), sha1, md5, sha384... */
  md?: string;
  ca?: boolean;
  keyUsage?: string;
  extendedKeyUsage?: string | null;
  /** Extra extension lines for the extfile. */
  extra?: string[];
}

export interface Issued {
  cert: string;
  key: string;
  subject: string;
}

export function openssl(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync('openssl', args, {
    cwd: opts.cwd,
    input: opts.input,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

/** Runs openssl and reports exit status instead of throwing. */
export function opensslStatus(args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: openssl(args) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** YYYYMMDDHHMMSSZ for `openssl ca`, days from now. */
export function caDate(days: number, now = new Date()): string {
  const d = new Date(now.getTime() + days * 86_400_000);
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class TestPki {
  readonly dir: string;
  private serial = 1;

  constructor(prefix = 'ftps-audit-pki-') {
    this.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, content: string | Buffer): string {
    const p = this.path(name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  read(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }

  key(name: string, spec: KeySpec): string {
    const out = this.path(`${name}.key`);
    const args = ['genpkey', '-out', out];
    switch (spec) {
      case 'rsa2048': args.push('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'); break;
      case 'rsa3072': args.push('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'); break;
      case 'rsa1024': args.push('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'); break;
      case 'rsa2048-e3': args.push('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_pubexp:3'); break;
      case 'rsa-pss': args.push('-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'); break;
      case 'p256': args.push('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'); break;
      case 'p384': args.push('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'); break;
      case 'p521': args.push('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'); break;
      case 'p192': args.push('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-192'); break;
      case 'p256-explicit': args.push('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'); break;
      case 'ed25519': args.push('-algorithm', 'ED25519'); break;
    }
    openssl(args);
    return out;
  }

  /** A root CA (self-signed, CA:TRUE). */
  rootCa(name: string, keySpec: KeySpec = 'rsa2048', spec: CertSpec = {}): Issued {
    const key = this.key(name, keySpec);
    return this.sign(name, key, { subject: `/CN=${name}`, ca: true, san: [], startDays: -30, endDays: 3650, extendedKeyUsage: null, ...spec }, undefined);
  }

  /** A certificate for a fresh key of keySpec, issued by issuer (or self-signed when issuer is undefined). */
  issue(name: string, keySpec: KeySpec, spec: CertSpec = {}, issuer?: Issued): Issued {
    const key = this.key(name, keySpec);
    return this.sign(name, key, spec, issuer);
  }

  /** Signs a certificate for an existing key. */
  sign(name: string, key: string, spec: CertSpec, issuer: Issued | undefined): Issued {
    const subject = spec.subject ?? `/CN=${name}`;
    const csr = this.path(`${name}.csr`);
    openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
    const caDir = this.path(`ca-${name}`);
    mkdirSync(caDir, { recursive: true });
    writeFileSync(path.join(caDir, 'index.txt'), '');
    let serialHex = (this.serial++ * 4099 + 4096).toString(16);
    if (serialHex.length % 2 === 1) serialHex = `0${serialHex}`; // openssl ca wants whole bytes
    writeFileSync(path.join(caDir, 'serial'), `${serialHex}\n`);
    const ext: string[] = [];
    const san = spec.san ?? [`DNS:${name}.example.test`];
    if (san.length > 0) ext.push(`subjectAltName=${san.join(',')}`);
    if (spec.ca) {
      ext.push('basicConstraints=critical,CA:TRUE');
      ext.push(`keyUsage=critical,${spec.keyUsage ?? 'keyCertSign,cRLSign'}`);
    } else {
      ext.push('basicConstraints=critical,CA:FALSE');
      ext.push(`keyUsage=critical,${spec.keyUsage ?? 'digitalSignature,keyEncipherment'}`);
    }
    const eku = spec.extendedKeyUsage === undefined ? (spec.ca ? null : 'serverAuth') : spec.extendedKeyUsage;
    if (eku) ext.push(`extendedKeyUsage=${eku}`);
    ext.push('subjectKeyIdentifier=hash');
    if (issuer) ext.push('authorityKeyIdentifier=keyid');
    ext.push(...(spec.extra ?? []));
    const extFile = path.join(caDir, 'ext.cnf');
    writeFileSync(extFile, ext.join('\n') + '\n');
    const conf = path.join(caDir, 'ca.cnf');
    writeFileSync(conf, [
      '[ca]', 'default_ca=CA_default', '[CA_default]',
      `dir=${caDir}`, 'database=$dir/index.txt', 'serial=$dir/serial', 'new_certs_dir=$dir',
      'policy=policy_any', 'unique_subject=no', 'email_in_dn=no', 'copy_extensions=none',
      '[policy_any]', 'commonName=supplied', 'organizationName=optional', 'countryName=optional',
      '',
    ].join('\n'));
    const cert = this.path(`${name}.pem`);
    const args = [
      'ca', '-batch', '-notext', '-config', conf, '-in', csr, '-out', cert,
      '-startdate', caDate(spec.startDays ?? -1), '-enddate', caDate(spec.endDays ?? 90),
      '-md', spec.md ?? 'sha256', '-extfile', extFile, '-preserveDN',
    ];
    if (issuer) args.push('-cert', issuer.cert, '-keyfile', issuer.key);
    else args.push('-selfsign', '-keyfile', key);
    // -md md5/sha1 needs security level 0 for the signing step under OpenSSL 3.
    const env = { ...process.env, OPENSSL_CONF: this.seclevel0Conf() };
    openssl(args, { env });
    return { cert, key, subject };
  }

  private seclevel0: string | undefined;
  private seclevel0Conf(): string {
    if (!this.seclevel0) {
      this.seclevel0 = this.write('seclevel0.cnf', [
        'openssl_conf = init', '[init]', 'ssl_conf = ssl_sect', '[ssl_sect]', 'system_default = sys', '[sys]', 'CipherString = DEFAULT@SECLEVEL=0', '',
      ].join('\n'));
    }
    return this.seclevel0;
  }

  /** Concatenates files (PEM chains, combined key+cert files). */
  concat(name: string, parts: string[], separator = ''): string {
    return this.write(name, parts.map((p) => readFileSync(p, 'utf8')).join(separator));
  }

  /** openssl pkcs12 -export of a key+cert (+ chain). */
  pkcs12(name: string, issued: Issued, password: string, chain: string[] = []): string {
    const out = this.path(name);
    const args = ['pkcs12', '-export', '-inkey', issued.key, '-in', issued.cert, '-out', out, '-passout', `pass:${password}`];
    if (chain.length > 0) args.push('-certfile', this.concat(`${name}.chain.pem`, chain));
    openssl(args);
    return out;
  }

  /** The key as an encrypted PKCS#8 PEM. */
  encryptKey(key: string, name: string, password = 'secret-pass'): string {
    const out = this.path(name);
    openssl(['pkcs8', '-topk8', '-in', key, '-out', out, '-v2', 'aes-256-cbc', '-passout', `pass:${password}`]);
    return out;
  }

  /** The key in a traditional encoding (PKCS#1 "RSA PRIVATE KEY" / SEC1 "EC PRIVATE KEY"). */
  traditionalKey(key: string, name: string, kind: 'rsa' | 'ec'): string {
    const out = this.path(name);
    openssl([kind, '-in', key, '-out', out, ...(kind === 'rsa' ? ['-traditional'] : [])]);
    return out;
  }

  toDer(pemCert: string, name: string): string {
    const out = this.path(name);
    openssl(['x509', '-in', pemCert, '-outform', 'DER', '-out', out]);
    return out;
  }
}

// ---- Inventories built from real files with the real parsers (for calling checks directly) ----

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Inventory, ScanSettings } from '../../src/model/inventory.js';
import type { Artifact } from '../../src/model/artifact.js';
import type { VsftpdConfig } from '../../src/model/vsftpd.js';
import type { X509File } from '../../src/model/x509.js';
import { parseX509 } from '../../src/parsers/x509/index.js';
import { parseVsftpdConf } from '../../src/parsers/vsftpd/index.js';

export function settingsFor(root: string, partial: Partial<ScanSettings> = {}): ScanSettings {
  return { flavor: 'debian', now: new Date(), roots: [root], hostnames: [], expiryWarningDays: 30, live: false, ...partial };
}

/**
 * An inventory of the given files under root: x509 files through the x509 parser, files
 * named *.conf through the vsftpd parser. Paths are relative to root.
 */
export function inventoryOf(root: string, files: string[], partial: Partial<ScanSettings> = {}): Inventory {
  const settings = settingsFor(root, partial);
  const artifacts: Artifact[] = [];
  const x509: X509File[] = [];
  const vsftpd: VsftpdConfig[] = [];
  const diagnostics: Inventory['diagnostics'] = [];
  for (const rel of files) {
    const absPath = path.join(root, rel);
    const content = readFileSync(absPath);
    const st = statSync(absPath);
    const isConf = rel.endsWith('.conf');
    const artifact: Artifact = {
      path: rel, absPath, kind: isConf ? 'vsftpd-conf' : 'x509', size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'), mode: st.mode, classifiedBy: 'name',
    };
    artifacts.push(artifact);
    if (isConf) vsftpd.push(parseVsftpdConf(content, rel, settings.flavor));
    else {
      const out = parseX509({ artifact, content, settings });
      x509.push(...(out.models.x509 ?? []));
      diagnostics.push(...out.diagnostics);
    }
  }
  return { settings, artifacts, models: { x509, vsftpd }, diagnostics };
}
