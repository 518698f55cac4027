import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { modelsOf, type Inventory } from '../../model/inventory.js';
import type { Location } from '../../model/location.js';
import type { EffectiveValue, VsftpdConfig } from '../../model/vsftpd.js';
import type { X509File } from '../../model/x509.js';
import { parseX509 } from '../../parsers/x509/index.js';
import { locationOf } from '../vsftpd/describe.js';
import { x509Files } from './common.js';

/**
 * Resolves the certificate and key paths a vsftpd.conf names to the files of this scan.
 *
 * vsftpd opens the paths as written, relative to its working directory (/ under systemd).
 * An absolute path maps into the scanned tree through --root (a system image or a repo
 * checkout of /); without --root it is found only when the scan itself covers that path.
 * A path the scan does not cover is "outside-tree": we cannot judge it and say so.
 *
 * A referenced file that discovery did not classify as x509 (garbage, empty, unreadable) is
 * looked at here directly, read-only, so that "missing" and "not a certificate" differ.
 */

export type Resolution =
  | { status: 'found'; file: X509File; shownPath: string }
  | { status: 'outside-tree'; shownPath: string; reason: string }
  | { status: 'missing' | 'unreadable' | 'not-x509'; shownPath: string; detail: string };

export interface VsftpdFileRef {
  config: VsftpdConfig;
  option: string;
  /** The path as vsftpd would use it. */
  value: string;
  source: 'explicit' | 'default' | 'from-cert-file';
  location: Location;
  evidence: string;
  resolution: Resolution;
}

export interface VsftpdTlsSetup {
  config: VsftpdConfig;
  sslEnabled: boolean;
  sslEnableLocation: Location;
  rsaCert?: VsftpdFileRef;
  rsaKey?: VsftpdFileRef;
  dsaCert?: VsftpdFileRef;
  dsaKey?: VsftpdFileRef;
  caCerts?: VsftpdFileRef;
  /** vsftpd loads ca_certs_file only when it asks for client certificates. */
  caCertsLoaded: boolean;
  ciphers: { value: string | null; location: Location; source: 'explicit' | 'default' };
}

const setupCache = new WeakMap<Inventory, VsftpdTlsSetup[]>();

export function vsftpdTlsSetups(inv: Inventory): VsftpdTlsSetup[] {
  let setups = setupCache.get(inv);
  if (!setups) {
    setups = modelsOf(inv, 'vsftpd').map((config) => setupOf(inv, config));
    setupCache.set(inv, setups);
  }
  return setups;
}

function setupOf(inv: Inventory, config: VsftpdConfig): VsftpdTlsSetup {
  const ssl = config.effective('ssl_enable');
  const setup: VsftpdTlsSetup = {
    config,
    sslEnabled: ssl?.value === true,
    sslEnableLocation: locationOf(config, ssl),
    caCertsLoaded: config.effective('ssl_request_cert')?.value === true || config.effective('require_cert')?.value === true,
    ciphers: {
      value: stringValue(config.effective('ssl_ciphers')),
      location: locationOf(config, config.effective('ssl_ciphers')),
      source: config.effective('ssl_ciphers')?.source ?? 'default',
    },
  };
  const pair = (certOpt: string, keyOpt: string): [VsftpdFileRef | undefined, VsftpdFileRef | undefined] => {
    const certEff = config.effective(certOpt);
    const certPath = stringValue(certEff);
    if (!certPath) return [undefined, undefined];
    const cert = fileRef(inv, config, certOpt, certPath, certEff!);
    const keyEff = config.effective(keyOpt);
    const keyPath = stringValue(keyEff);
    // vsftpd: "if (!p_key) p_key = tunable_rsa_cert_file" - the key is read from the cert file.
    const key = keyPath
      ? fileRef(inv, config, keyOpt, keyPath, keyEff!)
      : { ...cert, option: keyOpt, source: 'from-cert-file' as const };
    return [cert, key];
  };
  [setup.rsaCert, setup.rsaKey] = pair('rsa_cert_file', 'rsa_private_key_file');
  [setup.dsaCert, setup.dsaKey] = pair('dsa_cert_file', 'dsa_private_key_file');
  const caEff = config.effective('ca_certs_file');
  const caPath = stringValue(caEff);
  if (caPath) setup.caCerts = fileRef(inv, config, 'ca_certs_file', caPath, caEff!);
  return setup;
}

function stringValue(e: EffectiveValue | undefined): string | null {
  if (!e || typeof e.value !== 'string') return null;
  // Debian and RHEL trim string values; upstream keeps them verbatim (then the open fails).
  const v = e.flavor === 'upstream' ? e.value : e.value.trim();
  return v === '' ? null : v;
}

function fileRef(inv: Inventory, config: VsftpdConfig, option: string, value: string, eff: EffectiveValue): VsftpdFileRef {
  return {
    config,
    option,
    value,
    source: eff.source,
    location: locationOf(config, eff),
    evidence: eff.source === 'explicit' && eff.directive ? eff.directive.text : `${option}=${value} (${eff.flavor} build default)`,
    resolution: resolve(inv, config, value),
  };
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function configDir(inv: Inventory, config: VsftpdConfig): string | undefined {
  const artifact = inv.artifacts.find((a) => a.path === config.file);
  return artifact ? path.dirname(artifact.absPath) : undefined;
}

// An absolute path resolves the same for every config of an inventory (only a relative one
// depends on the config's directory), and a fleet's configs name the same few certificate
// paths: each is resolved once per inventory.
const absoluteResolutions = new WeakMap<Inventory, Map<string, Resolution>>();

export function resolve(inv: Inventory, config: VsftpdConfig, value: string): Resolution {
  if (!path.isAbsolute(value)) return resolveFrom(inv, config, value);
  let known = absoluteResolutions.get(inv);
  if (!known) absoluteResolutions.set(inv, (known = new Map()));
  let resolution = known.get(value);
  if (!resolution) known.set(value, (resolution = resolveFrom(inv, config, value)));
  return resolution;
}

function resolveFrom(inv: Inventory, config: VsftpdConfig, value: string): Resolution {
  const { rootDir, roots } = inv.settings;
  const candidates: string[] = [];
  if (path.isAbsolute(value)) {
    if (rootDir) candidates.push(path.join(rootDir, value));
    else if (roots.some((r) => within(value, r))) candidates.push(value);
    else {
      return {
        status: 'outside-tree',
        shownPath: value,
        reason: `${value} is outside the scanned tree; pass --root DIR to map absolute paths to a system image or checkout`,
      };
    }
  } else {
    if (rootDir) candidates.push(path.join(rootDir, value));
    const dir = configDir(inv, config);
    if (dir) candidates.push(path.join(dir, value));
    for (const r of roots) candidates.push(path.join(r, value));
  }
  const bounds = rootDir ? [rootDir] : roots;
  // "/../../etc/shadow" joined under --root normalises to a path outside it: never follow one.
  const inside = candidates.filter((c) => bounds.length === 0 || bounds.some((b) => within(c, b)));
  if (inside.length === 0) {
    return { status: 'outside-tree', shownPath: value, reason: `${value} resolves outside the scanned tree` };
  }
  candidates.length = 0;
  candidates.push(...inside);
  const files = x509Files(inv);
  for (const candidate of candidates) {
    const found = files.find((f) => path.resolve(f.absPath) === path.resolve(candidate));
    if (found) return { status: 'found', file: found, shownPath: found.file };
  }
  // Not classified as x509 by discovery: look at the first candidate that exists.
  for (const candidate of candidates) {
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { status: 'unreadable', shownPath: shown(inv, candidate), detail: (err as NodeJS.ErrnoException).code ?? 'error' };
    }
    if (bounds.length > 0 && !bounds.some((b) => within(real, safeReal(b)))) {
      return { status: 'outside-tree', shownPath: shown(inv, candidate), reason: `${value} is a link that leaves the scanned tree` };
    }
    const found = files.find((f) => safeReal(f.absPath) === real);
    if (found) return { status: 'found', file: found, shownPath: found.file };
    return inspect(inv, candidate, real);
  }
  return { status: 'missing', shownPath: shown(inv, candidates[0] ?? value), detail: 'no such file' };
}

function safeReal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Path relative to a scan root (or --root) for messages; never an absolute host path. */
function shown(inv: Inventory, abs: string): string {
  const bases = [...(inv.settings.rootDir ? [inv.settings.rootDir] : []), ...inv.settings.roots];
  for (const b of bases) {
    if (within(abs, b)) {
      const rel = path.relative(b, abs).split(path.sep).join('/');
      return b === inv.settings.rootDir ? `/${rel}` : rel;
    }
  }
  return abs;
}

const MAX_INSPECT_BYTES = 4 * 1024 * 1024;

function inspect(inv: Inventory, candidate: string, real: string): Resolution {
  const shownPath = shown(inv, candidate);
  try {
    const st = statSync(real);
    if (!st.isFile()) return { status: 'not-x509', shownPath, detail: 'not a regular file' };
    accessSync(real, constants.R_OK);
    if (st.size > MAX_INSPECT_BYTES) return { status: 'not-x509', shownPath, detail: `file of ${st.size} bytes is too large for a certificate` };
    const content = readFileSync(real);
    const parsed = parseX509({
      artifact: { path: shownPath, absPath: real, kind: 'x509', size: st.size, sha256: '', mode: st.mode, classifiedBy: 'name' },
      content,
      settings: inv.settings,
    });
    const file = parsed.models.x509?.[0];
    if (file && (file.certificates.length > 0 || file.privateKeys.length > 0)) return { status: 'found', file, shownPath };
    const why = parsed.diagnostics[0]?.message ?? 'no certificate or key in it';
    return { status: 'not-x509', shownPath, detail: why };
  } catch (err) {
    return { status: 'unreadable', shownPath, detail: (err as NodeJS.ErrnoException).code ?? 'error' };
  }
}

/** Where each certificate is used, for the inventory: "etc/vsftpd.conf:31 rsa_cert_file". */
export function usesByCertificate(inv: Inventory): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  for (const setup of vsftpdTlsSetups(inv)) {
    for (const ref of [setup.rsaCert, setup.dsaCert, setup.caCerts]) {
      if (!ref || ref.resolution.status !== 'found') continue;
      const where = `${ref.config.file}${ref.location.line ? `:${ref.location.line}` : ''} ${ref.option}${setup.sslEnabled ? '' : ' (ssl_enable=NO)'}`;
      const certs = ref.option === 'ca_certs_file' ? ref.resolution.file.certificates : ref.resolution.file.certificates.slice(0, 1);
      const label = ref.option === 'ca_certs_file' ? `${where} (client-certificate trust anchor)` : where;
      for (const c of certs) uses.set(c.fingerprintSha256, [...(uses.get(c.fingerprintSha256) ?? []), label]);
      if (ref.option !== 'ca_certs_file') {
        for (const c of ref.resolution.file.certificates.slice(1)) {
          uses.set(c.fingerprintSha256, [...(uses.get(c.fingerprintSha256) ?? []), `${where} (chain)`]);
        }
      }
    }
  }
  return uses;
}

/** The first certificate of every cert file an ssl_enable=YES config serves. */
type Served = { file: X509File; cert: X509File['certificates'][number]; setup: VsftpdTlsSetup; option: string };
// Asked by most certificate rules' appliesTo, once per rule: worked out once per inventory
// (an inventory does not change while it is judged).
const servedCache = new WeakMap<Inventory, Served[]>();

export function servedCertificates(inv: Inventory): Served[] {
  let served = servedCache.get(inv);
  if (!served) servedCache.set(inv, (served = findServed(inv)));
  return served;
}

function findServed(inv: Inventory): Served[] {
  const out: Served[] = [];
  for (const setup of vsftpdTlsSetups(inv)) {
    if (!setup.sslEnabled) continue;
    for (const ref of [setup.rsaCert, setup.dsaCert]) {
      if (ref?.resolution.status !== 'found') continue;
      const cert = ref.resolution.file.certificates[0];
      if (cert) out.push({ file: ref.resolution.file, cert, setup, option: ref.option });
    }
  }
  return out;
}
