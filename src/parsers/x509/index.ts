import type { Diagnostic } from '../../model/diagnostic.js';
import type { FileLocation } from '../../model/location.js';
import type { CertificateEntry, PrivateKeyEntry, X509File } from '../../model/x509.js';
import type { ArtifactParser, ParserInput, ParserOutput } from '../types.js';
import { CertificateDecodeError, decodeCertificate } from './certificate.js';
import { gitStatusOf } from './git.js';
import { firstTlvLength, looksLikePem, splitPem } from './pem.js';
import { looksLikePkcs12, openPkcs12 } from './pkcs12.js';
import { PRIVATE_KEY_LABELS, readDerPrivateKey, readPemPrivateKey } from './private-key.js';

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
/** Blocks that legitimately sit beside certificates and keys and need no judgement here. */
const IGNORED_LABELS = new Set([
  'EC PARAMETERS', 'DH PARAMETERS', 'X9.42 DH PARAMETERS', 'PUBLIC KEY', 'RSA PUBLIC KEY',
  'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST', 'X509 CRL', 'PKCS7', 'CMS', 'SSH2 PUBLIC KEY',
]);

/**
 * Parses certificates and private keys from PEM (any number of blocks, any order, text
 * around them), DER, and PKCS#12. Every problem is one located diagnostic; nothing throws.
 */
export function parseX509(input: ParserInput): ParserOutput {
  const { artifact, content, settings } = input;
  const file: X509File = {
    file: artifact.path,
    absPath: artifact.absPath,
    mode: artifact.mode,
    encoding: 'pem',
    certificates: [],
    privateKeys: [],
    problems: [],
  };
  const diagnostics: Diagnostic[] = [];
  const problem = (code: string, message: string, loc: Partial<FileLocation> = {}, level: Diagnostic['level'] = 'error'): void => {
    file.problems.push({ code, ...(loc.line !== undefined ? { line: loc.line } : {}) });
    diagnostics.push({ level, code, message, location: { file: artifact.path, ...loc } });
  };

  const text = content.toString('latin1');
  if (looksLikePem(text)) {
    parsePem(text, file, problem);
  } else if (content.length > 0 && content[0] === 0x30) {
    parseDer(content, file, problem, settings.p12Password, diagnostics);
  } else {
    problem('x509/unrecognised', content.length === 0
      ? 'empty file where a certificate or key was expected'
      : 'neither PEM nor DER: not a certificate, key or PKCS#12 file');
  }
  if (file.certificates.length === 0 && file.privateKeys.length === 0 && file.problems.length === 0 && !file.pkcs12) {
    problem('x509/no-material', 'no certificate or private key found in this file', {}, 'info');
  }
  if (file.privateKeys.some((k) => !k.encrypted)) file.git = gitStatusOf(artifact.absPath);
  return { models: { x509: [file] }, diagnostics };
}

type Problem = (code: string, message: string, loc?: Partial<FileLocation>, level?: Diagnostic['level']) => void;

function parsePem(text: string, file: X509File, problem: Problem): void {
  const { blocks, problems } = splitPem(text);
  for (const p of problems) problem(p.code, p.message, { line: p.line, column: 1 });
  for (const block of blocks) {
    const location: FileLocation = { file: file.file, line: block.beginLine, column: 1, endLine: block.endLine };
    if (CERT_LABELS.has(block.label)) {
      let der = block.der;
      if (block.label === 'TRUSTED CERTIFICATE') der = der.subarray(0, firstTlvLength(der) ?? der.length);
      addCertificate(file, der, location, block.label, problem);
    } else if (block.label in PRIVATE_KEY_LABELS) {
      const read = readPemPrivateKey(block.label, block.der, block.headers);
      addKey(file, { index: file.privateKeys.length, location, format: read.format, encrypted: read.encrypted, ...(read.publicKey ? { publicKey: read.publicKey } : {}) });
      if (read.error) problem('x509/bad-key', `private key "${block.label}" cannot be read: ${read.error}`, { line: block.beginLine, column: 1 });
    } else if (!IGNORED_LABELS.has(block.label)) {
      problem('x509/unknown-pem-label', `unexpected PEM block "${block.label}" ignored`, { line: block.beginLine, column: 1 }, 'warning');
    }
  }
}

function parseDer(content: Buffer, file: X509File, problem: Problem, p12Password: string | undefined, diagnostics: Diagnostic[]): void {
  const location: FileLocation = { file: file.file };
  if (/\.(p12|pfx)$/i.test(file.file) || looksLikePkcs12(content)) {
    if (looksLikePkcs12(content)) {
      parsePkcs12(content, file, problem, p12Password, diagnostics);
      return;
    }
  }
  file.encoding = 'der';
  let certError: string | undefined;
  try {
    file.certificates.push(decodeCertificate(content, 0, location, 'DER'));
    return;
  } catch (err) {
    certError = (err as Error).message;
  }
  const key = readDerPrivateKey(content);
  if (key) {
    addKey(file, { index: 0, location, format: key.format, encrypted: key.encrypted, ...(key.publicKey ? { publicKey: key.publicKey } : {}) });
    return;
  }
  problem('x509/bad-der', `binary file is not a readable DER certificate, private key or PKCS#12 (${certError})`);
}

function parsePkcs12(content: Buffer, file: X509File, problem: Problem, password: string | undefined, diagnostics: Diagnostic[]): void {
  file.encoding = 'pkcs12';
  const location: FileLocation = { file: file.file };
  if (password === undefined) {
    file.pkcs12 = { opened: false, reason: 'no password given (--p12-password-env)' };
    diagnostics.push({ level: 'info', code: 'x509/pkcs12-not-opened', message: 'PKCS#12 container detected; its certificates are not judged without --p12-password-env', location: { file: file.file } });
    return;
  }
  try {
    const contents = openPkcs12(content, password);
    file.pkcs12 = { opened: true };
    contents.certificates.forEach((der) => addCertificate(file, der, location, 'PKCS12', problem));
    // A PKCS#12 key is password-protected at rest even when we were given the password.
    contents.keys.forEach((publicKey) => addKey(file, { index: file.privateKeys.length, location, format: 'pkcs12', encrypted: true, publicKey }));
  } catch (err) {
    file.pkcs12 = { opened: false, reason: `cannot open: ${(err as Error).message.split('\n')[0]}` };
    problem('x509/pkcs12-unreadable', `PKCS#12 container cannot be opened with the given password (${file.pkcs12.reason})`, {}, 'warning');
  }
}

function addCertificate(file: X509File, der: Buffer, location: FileLocation, source: string, problem: Problem): void {
  try {
    file.certificates.push(decodeCertificate(der, file.certificates.length, location, source));
  } catch (err) {
    const why = err instanceof CertificateDecodeError ? err.message : `unexpected: ${(err as Error).message}`;
    problem('x509/bad-certificate', `certificate cannot be decoded: ${why}`, { line: location.line, column: location.column });
  }
}

function addKey(file: X509File, key: PrivateKeyEntry): void {
  file.privateKeys.push(key);
}

export const parser: ArtifactParser = { kind: 'x509', parse: parseX509 };
export type { CertificateEntry };
