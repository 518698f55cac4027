import { describe, expect, it } from 'vitest';
import { anchorEndpoints, anchorTargetsFile, reportPathOf, targetsFileAnchors } from '../src/report/anchor.js';
import { endpointUrl, parseTarget } from '../src/probe/targets.js';
import { sampleReport } from './report-fixtures.js';

const endpointsOf = (spec: string) => parseTarget(spec).map(endpointUrl);

describe('anchoring probe results on a targets file', () => {
  it('reads lines the way the probe does and records line and column', () => {
    const text = '# estate\n\n   ftp.example.org   # both default ports\n127.0.0.1:2121\n[::1]:990\nnot a host!\n';
    expect(targetsFileAnchors({ file: '/srv/x/targets.txt', text, endpointsOf, cwd: '/srv/x' })).toEqual([
      { endpoint: 'ftps://ftp.example.org:21', file: 'targets.txt', line: 3, column: 4 },
      { endpoint: 'ftps://ftp.example.org:990', file: 'targets.txt', line: 3, column: 4 },
      { endpoint: 'ftps://127.0.0.1:2121', file: 'targets.txt', line: 4, column: 1 },
      { endpoint: 'ftps://[::1]:990', file: 'targets.txt', line: 5, column: 1 },
    ]);
    expect(reportPathOf('/elsewhere/t.txt', '/srv/x')).toBe('/elsewhere/t.txt');
    expect(reportPathOf('inv/t.txt', '/srv/x')).toBe('inv/t.txt');
  });

  it('anchors endpoint-only results, leaves file results alone, and adds the file as an artifact', () => {
    const report = sampleReport();
    const out = anchorTargetsFile(report, { file: 'hosts.txt', text: 'ftps://127.0.0.1:2121\n', endpointsOf, cwd: '/srv/repos/infra' });
    const bare = out.results.filter((r) => r.location?.endpoint === 'ftps://127.0.0.1:2121');
    expect(bare.length).toBe(2);
    for (const r of bare) expect(r.location).toEqual({ endpoint: 'ftps://127.0.0.1:2121', file: 'hosts.txt', line: 1, column: 1 });
    // Already anchored elsewhere (the :990 result on inventory/ftps-targets.txt): unchanged.
    const other = out.results.find((r) => r.location?.endpoint === 'ftps://127.0.0.1:990')!;
    expect(other.location!.file).toBe('inventory/ftps-targets.txt');
    expect(out.artifacts.at(-1)).toMatchObject({ path: 'hosts.txt', kind: 'probe-targets', size: 22 });
    expect(report.results.find((r) => r.location?.endpoint === 'ftps://127.0.0.1:2121')!.location!.file).toBeUndefined();
    // Nothing to anchor: the same report back.
    expect(anchorEndpoints(report, [])).toBe(report);
  });
});
