/**
 * The GitHub Action and the pre-commit hook, exercised for real: the action's scan step is
 * run by bash exactly as the runner would (inputs in the environment, GITHUB_OUTPUT a file),
 * against the built CLI; the hook's entry and args are run on sample trees.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { multitoolValidate, schemaErrors } from './report-sarif-validate.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionFile {
  name: string;
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(resolve('action.yml'), 'utf8')) as ActionFile;
const dir = mkdtempSync(join(tmpdir(), 'ftps-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScanStep(inputs: Record<string, string>): { code: number | null; outputs: Record<string, string>; stderr: string } {
  const step = action.runs.steps.find((s) => s.id === 'scan')!;
  const ghOutput = join(dir, `gh-output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(ghOutput, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', GITHUB_OUTPUT: ghOutput };
  for (const [k, v] of Object.entries(step.env ?? {})) {
    // Resolve the ${{ ... }} expressions the runner would.
    env[k] = v.replace(/\$\{\{\s*github\.action_path\s*\}\}/g, resolve('.')).replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '');
  }
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step.run!], { cwd: resolve('.'), env, encoding: 'utf8', timeout: 120_000 });
  const outputs = Object.fromEntries(readFileSync(ghOutput, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { code: r.status, outputs, stderr: r.stderr };
}

describe('action.yml', () => {
  it('is a composite action whose expressions name only declared inputs and steps', () => {
    expect(action.runs.using).toBe('composite');
    const text = readFileSync(resolve('action.yml'), 'utf8');
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(m[1]);
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs/g)) expect(action.runs.steps.map((s) => s.id)).toContain(m[1]);
    // No input is pasted into a script: they arrive through env.
    for (const s of action.runs.steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{\s*inputs\./);
    expect(action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!.if).toContain('always()');
  });

  it('scan step writes a valid SARIF log and reports the gate in its outputs', () => {
    const sarif = join(dir, 'out.sarif');
    const html = join(dir, 'out.html');
    const r = runScanStep({ paths: 'samples/insecure\nsamples/hardened', packs: 'pci-dss, hipaa', 'sarif-file': sarif, 'html-report': html, category: 'infra/ftps' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'sarif-file': sarif, 'exit-code': '1' });
    const text = readFileSync(sarif, 'utf8');
    expect(schemaErrors(JSON.parse(text))).toEqual([]);
    expect(multitoolValidate(text).errors).toEqual([]);
    const run = (JSON.parse(text) as { runs: { automationDetails: { id: string }; invocations: { exitCode: number }[] }[] }).runs[0]!;
    // The category is in the file (upload-sarif would not replace it) and the scan's exit status is kept.
    expect(run.automationDetails.id).toMatch(/^infra\/ftps\/\d{4}-/);
    expect(run.invocations[0]!.exitCode).toBe(1);
    const packs = (JSON.parse(text) as { runs: { properties: { packs: { id: string }[] } }[] }).runs[0]!.properties.packs.map((p) => p.id);
    expect(packs.sort()).toEqual(['hipaa', 'pci-dss']);
    expect(readFileSync(html, 'utf8')).toContain('<!DOCTYPE html>');

    const clean = runScanStep({ paths: 'samples/hardened', 'sarif-file': join(dir, 'clean.sarif') });
    expect(clean.outputs['exit-code']).toBe('0');
  });

  it('stops with the CLI exit status on a usage error', () => {
    const r = runScanStep({ 'vsftpd-flavor': 'solaris', 'sarif-file': join(dir, 'bad.sarif') });
    expect(r.code).toBe(2);
    expect(r.outputs).toEqual({ 'exit-code': '2' });
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(resolve('.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; args: string[]; files: string; language: string; pass_filenames: boolean }[];
  const hook = hooks.find((h) => h.id === 'ftps-audit')!;

  it('triggers on FTPS-related files only', () => {
    const re = new RegExp(hook.files);
    for (const f of ['etc/vsftpd.conf', 'vsftpd.conf', 'certs/ftps.pem', 'fw/rules.v4', 'etc/nftables.conf', 'etc/fail2ban/jail.local', '.ftps-audit-waivers.yml']) expect(re.test(f), f).toBe(true);
    for (const f of ['README.md', 'src/index.ts', 'package.json']) expect(re.test(f), f).toBe(false);
    expect(hook.language).toBe('node');
    expect(hook.pass_filenames).toBe(false);
  });

  it('its entry and args pass a hardened tree and fail an insecure one', () => {
    const [bin, ...entryArgs] = hook.entry.split(' ');
    expect(bin).toBe('ftps-audit');
    for (const [sample, expected] of [['hardened', 0], ['insecure', 1]] as const) {
      const repo = join(dir, `repo-${sample}`);
      cpSync(resolve('samples', sample), repo, { recursive: true });
      const r = spawnSync(process.execPath, [resolve('bin/run.js'), ...entryArgs, ...hook.args], { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, `${sample}: ${r.stderr}`).toBe(expected);
    }
  });
});
