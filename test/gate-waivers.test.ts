import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyGates, applyInlineWaivers, applyWaivers, exitCodeFor, GateInputError, gateNotes, isExpired, loadWaivers, parseWaivers, resolveWaiversFile } from '../src/gate/index.js';
import { sampleReport } from './report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ftps-waivers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unwaived() {
  const r = sampleReport();
  r.results = r.results.map(({ waived: _w, ...rest }) => rest);
  return r;
}

const GOOD_YAML = `version: 1
waivers:
  - rule: vsftpd/tlsv1-enabled
    path: "etc/*.conf"
    reason: Legacy scanner appliance needs TLS 1.0 until replaced
    approver: ciso@example.com
    expires: 2027-01-31
  - rule: probe/auth-before-tls
    endpoint: ftps://127.0.0.1:2121
    reason: Test listener, firewalled
    approver: Jane Roe
    expires: 2026-11-24
  - rule: vsftpd/weak-umask
    path: "nowhere/**"
    reason: Left over from the old tree
    approver: Jane Roe
    expires: 2030-01-01
`;

describe('waiver file', () => {
  it('parses YAML with unquoted dates and applies unexpired waivers by glob and endpoint', async () => {
    const file = join(dir, 'w.yml');
    writeFileSync(file, GOOD_YAML);
    const waivers = await loadWaivers(file);
    expect(waivers.waivers[0]!.expires).toBe('2027-01-31');

    const now = new Date('2026-11-25T12:00:00Z');
    const out = applyWaivers(unwaived(), waivers, now);
    const tls = out.results.find((r) => r.ruleId === 'vsftpd/tlsv1-enabled')!;
    expect(tls.status).toBe('fail');
    expect(tls.waived).toEqual({ source: file, reason: 'Legacy scanner appliance needs TLS 1.0 until replaced', approver: 'ciso@example.com', expires: '2027-01-31' });

    // Expired yesterday: the finding counts again and the report says so.
    const bare = out.results.find((r) => r.ruleId === 'probe/auth-before-tls' && r.status === 'fail')!;
    expect(bare.waived).toBeUndefined();
    expect(out.waivers!.expired).toEqual([{ waiver: expect.objectContaining({ ruleId: 'probe/auth-before-tls', expires: '2026-11-24', index: 1 }), matched: 1 }]);
    expect(out.waivers!.stale.map((w) => w.ruleId)).toEqual(['vsftpd/weak-umask']);
    expect(out.waivers!.applied).toBe(1);
    expect(gateNotes(out).join('\n')).toMatch(/expired on 2026-11-24: 1 finding\(s\) count again[\s\S]*stale waiver: vsftpd\/weak-umask/);

    // Applying the same file again (report re-rendering a gated JSON) changes nothing.
    const twice = applyWaivers(out, waivers, now);
    expect(twice.waivers).toEqual(out.waivers);
    expect(twice.results).toEqual(out.results);

    // One day earlier the endpoint waiver still held (it holds through its expiry day).
    const before = applyWaivers(unwaived(), waivers, new Date('2026-11-24T23:59:00Z'));
    expect(before.results.find((r) => r.ruleId === 'probe/auth-before-tls' && r.status === 'fail')!.waived?.approver).toBe('Jane Roe');
    // Waivers never touch non-failures.
    expect(out.results.filter((r) => r.status !== 'fail').every((r) => !r.waived)).toBe(true);
  });

  it('accepts JSON too', async () => {
    const w = await parseWaivers(JSON.stringify({ waivers: [{ rule: 'x509/expiring-soon', path: '**', reason: 'renewal booked', approver: 'ops', expires: '2099-12-31' }] }), 'w.json');
    const out = applyWaivers(unwaived(), w, new Date('2026-11-25T00:00:00Z'));
    expect(out.results.find((r) => r.ruleId === 'x509/expiring-soon')!.waived?.source).toBe('w.json');
  });

  it('refuses an invalid file with file:line and field for every problem', async () => {
    const bad = `waivers:
  - rule: vsftpd/tlsv1-enabled
    path: etc/vsftpd.conf
    reason: ok reason
    approver: me
    expires: 2026-02-30
  - rule: vsftpd/weak-umask
    reason: no place given
    approver: me
    expires: 2027-01-01
  - rule: not a rule id
    endpoint: ftps://h:990
    reason: typo
    aprover: me
    expires: 2027-01-01
`;
    const err = await parseWaivers(bad, 'bad.yml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateInputError);
    const details = (err as GateInputError).details;
    expect(details).toContain('bad.yml:6: waivers[0].expires must be a date YYYY-MM-DD');
    expect(details).toContain('bad.yml:7: waivers[1] needs a "path" glob or an "endpoint"');
    expect(details).toContain('bad.yml:11: waivers[2].rule must match pattern "^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)+$"');
    expect(details).toContain('bad.yml:11: waivers[2] has unknown field "aprover"');
    expect(details).toContain('bad.yml:11: waivers[2] is missing "approver"');

    const syntax = await parseWaivers('waivers:\n  - rule: [unclosed\n', 'syntax.yml').catch((e: unknown) => e);
    expect((syntax as GateInputError).message).toMatch(/^waivers syntax.yml is not valid YAML\/JSON\n  syntax.yml:\d+: /);
    await expect(loadWaivers(join(dir, 'missing.yml'))).rejects.toThrow(/cannot read waivers .*missing\.yml: ENOENT/);
  });

  it('finds the default file in the working directory only when none is given', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    expect(resolveWaiversFile(undefined, cwd)).toBeUndefined();
    writeFileSync(join(cwd, '.ftps-audit-waivers.yml'), GOOD_YAML);
    expect(resolveWaiversFile(undefined, cwd)).toBe(join(cwd, '.ftps-audit-waivers.yml'));
    expect(resolveWaiversFile('other.yml', cwd)).toBe('other.yml');
  });

  it('expiry is the end of the day in UTC', () => {
    expect(isExpired('2026-11-25', new Date('2026-11-25T23:59:59.999Z'))).toBe(false);
    expect(isExpired('2026-11-25', new Date('2026-11-26T00:00:00.000Z'))).toBe(true);
  });
});

describe('inline waivers', () => {
  it('waive the rule on the directive below the comment, and report ones that match nothing', () => {
    const out = applyInlineWaivers(unwaived(), [
      {
        file: 'etc/vsftpd.conf',
        inlineWaivers: [
          { ruleId: 'vsftpd/weak-umask', reason: 'group-shared upload area', line: 19, appliesToLine: 20 },
          // Right rule, wrong line: does not waive the finding on line 14.
          { ruleId: 'vsftpd/tlsv1-enabled', reason: 'misplaced', line: 29, appliesToLine: 30 },
        ],
      },
    ]);
    expect(out.results.find((r) => r.ruleId === 'vsftpd/weak-umask')!.waived).toEqual({ source: 'inline', reason: 'group-shared upload area' });
    expect(out.results.find((r) => r.ruleId === 'vsftpd/tlsv1-enabled')!.waived).toBeUndefined();
    expect(out.waivers!.stale).toEqual([{ source: 'inline', ruleId: 'vsftpd/tlsv1-enabled', path: 'etc/vsftpd.conf', line: 29, reason: 'misplaced' }]);
    expect(gateNotes(out)).toContain('stale waiver: vsftpd/tlsv1-enabled (inline at etc/vsftpd.conf:29) matches no finding; remove it');
  });
});

describe('applyGates + exitCodeFor', () => {
  it('runs inline, file and baseline gates in one call and recomputes counts and control statuses', async () => {
    const file = join(dir, 'gates.yml');
    writeFileSync(file, `waivers:\n  - rule: probe/auth-before-tls\n    endpoint: FTPS://127.0.0.1:2121/\n    reason: lab only\n    approver: me\n    expires: 2099-01-01\n  - rule: vsftpd/ssl-not-enabled\n    path: "etc/**"\n    reason: being replaced\n    approver: me\n    expires: 2099-01-01\n`);
    const before = unwaived();
    expect(exitCodeFor(before, 'high')).toBe(1);
    expect(before.summary.failuresBySeverity.critical).toBe(2);
    const out = await applyGates(before, {
      waiversFile: file,
      inline: [{ file: 'legacy/site b/vsftpd.conf', inlineWaivers: [{ ruleId: 'vsftpd/ssl-not-enabled', reason: 'legacy', line: 2, appliesToLine: 3 }] }],
      now: new Date('2026-11-25T00:00:00Z'),
    });
    expect(out.summary.failuresBySeverity.critical).toBe(0);
    expect(out.summary.waived).toBe(3);
    expect(out.waivers!.sources).toEqual(['inline', file]);
    // hipaa 164.312(e)(1) had only critical failures, all waived now: its status is recomputed.
    expect(out.packs.find((p) => p.id === 'hipaa')!.controls.find((c) => c.id === '164.312(e)(1)')!.status).not.toBe('fail');
    // Still failing: tlsv1 (high) and tls10-accepted (high).
    expect(exitCodeFor(out, 'high')).toBe(1);
    expect(exitCodeFor(out, 'critical')).toBe(0);
    expect(exitCodeFor(out, 'none')).toBe(0);
    expect(exitCodeFor(out, 'info')).toBe(1);
    // The input report is not mutated.
    expect(before.summary.failuresBySeverity.critical).toBe(2);
  });

  it('leaves a report untouched when no gate applies', async () => {
    const r = unwaived();
    expect(await applyGates(r, { cwd: dir + '/none-here' })).toBe(r);
  });
});
