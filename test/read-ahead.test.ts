import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTree } from '../bench/vsftpd-bench.js';
import { sniff } from '../src/discover/classify.js';
import { ReadAhead, type ReadAheadOptions } from '../src/discover/read-ahead.js';
import { readCapped, walk, type FoundFile } from '../src/discover/walk.js';
import { hostKeyOf } from '../src/pipeline/hosts.js';
import { defaultSettings } from '../src/pipeline/scan.js';
import { runStreamedTextScan } from '../src/pipeline/stream-scan.js';
import { batchesAsFound, planBatches, type StreamSettings } from '../src/pipeline/streamed-text.js';

/**
 * The read-ahead thread (src/discover/read-ahead.ts) must hand the main thread exactly what
 * the main thread's own walk and reads would have given: the same files in the same order,
 * the same bytes and diagnostics, and, when the thread fails part way, the rest from a walk
 * of its own. And batches cut while the files still come must be the batches cut after.
 * The tree holds what could make them differ: many hosts, files outside any etc/, a
 * symlink into another host's etc/, one out of the tree, a FIFO, an empty file, and files
 * over the size cap.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
let tree: string;
const MAX_BYTES = 3000; // about half the generated configs are larger

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'ftps-audit-read-ahead-'));
  generateTree(path.join(tree, 'gen'), 300);
  writeFileSync(path.join(tree, 'aa-loose.conf'), 'listen=YES\n');
  writeFileSync(path.join(tree, 'gen', 'site3', 'host3', 'etc', 'cert.pem'), '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
  writeFileSync(path.join(tree, 'gen', 'site4', 'host4', 'etc', 'blob.bin'), Buffer.from([1, 0, 2, 0xff]));
  writeFileSync(path.join(tree, 'gen', 'site8', 'host8', 'etc', 'vsftpd-ü.conf'), 'ftpd_banner=Grüße\n');
  writeFileSync(path.join(tree, 'gen', 'site5', 'mid-loose.conf'), 'listen=YES\n');
  writeFileSync(path.join(tree, 'gen', 'site7', 'host7', 'etc', 'empty.conf'), '');
  symlinkSync(path.join(tree, 'gen', 'site9', 'host9', 'etc'), path.join(tree, 'gen', 'site0', 'host0', 'etc', 'linked'));
  symlinkSync(tmpdir(), path.join(tree, 'gen', 'site1', 'outside'));
  execFileSync('mkfifo', [path.join(tree, 'gen', 'site2', 'host2', 'etc', 'fifo')]);
});
afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

async function readAll(roots: string[], opts: ReadAheadOptions): Promise<{ files: FoundFile[]; diagnostics: unknown[] }> {
  const ahead = ReadAhead.start(roots, opts);
  if (!ahead) throw new Error('run npm run build first: the read-ahead script is built');
  try {
    const files: FoundFile[] = [];
    for (let got = await ahead.next(); got !== undefined; got = await ahead.next()) files.push(...got);
    return { files, diagnostics: ahead.diagnostics };
  } finally {
    ahead.stop();
  }
}

const names = (files: readonly FoundFile[]) => files.map((f) => [f.absPath, f.relPath]);

describe('read-ahead thread', () => {
  it('gives the walk’s files, in order, with the bytes and diagnostics the main thread would read', async () => {
    const walked = walk([tree]);
    const HEAD = 40; // walked by the main thread while the thread starts: given unread
    const got = await readAll([tree], { maxFileBytes: MAX_BYTES, hostRoots: [tree], headFiles: HEAD });
    expect(names(got.files)).toEqual(names(walked.files));
    expect(got.diagnostics).toEqual(walked.diagnostics);
    expect(walked.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['discover/special-file', 'discover/symlink-outside']));
    expect(got.files.slice(0, HEAD).every((f) => f.prefetched === undefined)).toBe(true);
    let tooLarge = 0;
    for (const file of got.files.slice(HEAD)) {
      const own = readCapped(file, MAX_BYTES);
      expect(file.prefetched).toBeDefined();
      const { content, sniffed, ...rest } = file.prefetched!;
      const { content: ownContent, ...ownRest } = own;
      expect(rest).toEqual(ownRest);
      if (ownContent) {
        const { asciiText, ...ownSniffed } = sniff(file.relPath, ownContent);
        expect(sniffed).toEqual(ownSniffed);
        expect(asciiText !== undefined).toBe(sniffed!.wholeAscii);
      } else expect(sniffed).toBeUndefined();
      expect(content === undefined ? undefined : Buffer.from(content)).toEqual(ownContent === undefined ? undefined : Buffer.from(ownContent));
      if (own.diagnostic?.code === 'discover/too-large') tooLarge++;
      expect(file.hostKey).toBe(hostKeyOf(file.absPath, [tree]));
    }
    expect(tooLarge).toBeGreaterThan(10);
    expect(got.files.some((f) => f.prefetched?.content?.length === 0)).toBe(true);
  });

  it('a thread that fails part way costs time, never files: the main thread walks again and goes on', async () => {
    const walked = walk([tree]);
    const HEAD = 7;
    for (const failAfter of [0, 1, 63, 64, 65, 200, walked.files.length - HEAD - 1]) {
      const got = await readAll([tree], { maxFileBytes: MAX_BYTES, hostRoots: [tree], headFiles: HEAD, failAfter });
      expect(names(got.files)).toEqual(names(walked.files));
      expect(got.diagnostics).toEqual(walked.diagnostics);
      // The head and the files after the last whole chunk sent come unread: the caller reads them itself.
      const sent = Math.floor(failAfter / 64) * 64;
      expect(got.files.map((f) => f.prefetched !== undefined)).toEqual(got.files.map((_, i) => i >= HEAD && i < HEAD + sent));
    }
  });

  it('sends files of every size, one larger than a chunk among them, byte for byte', async () => {
    const sized = mkdtempSync(path.join(tmpdir(), 'ftps-audit-read-ahead-sizes-'));
    try {
      // Sizes around the chunk (1 MiB) and none at all; contents that tell the files apart.
      const sizes = [0, 1, 4095, 4096, 300_000, 700_000, 1_048_576, 1_048_577, 2_500_000, 17, 0, 900_000];
      sizes.forEach((n, i) => {
        const body = Buffer.alloc(n);
        for (let k = 0; k < n; k++) body[k] = (k * 31 + i * 7) & 0xff;
        writeFileSync(path.join(sized, `f${String(i).padStart(2, '0')}.bin`), body);
      });
      const got = await readAll([sized], { maxFileBytes: 5 * 1024 * 1024, hostRoots: [sized], headFiles: 2 });
      expect(got.files.map((f) => path.basename(f.absPath))).toEqual(sizes.map((_, i) => `f${String(i).padStart(2, '0')}.bin`));
      for (const f of got.files.slice(2)) expect(Buffer.compare(Buffer.from(f.prefetched!.content!), readFileSync(f.absPath))).toBe(0);
    } finally {
      rmSync(sized, { recursive: true, force: true });
    }
  });

  it('a thread that ends without a word costs time, never files, even with nothing else keeping node alive', () => {
    // A child process: vitest's own handles would keep the event loop alive and hide an exit
    // with the scan unfinished (exit code 13).
    const dist = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', p)).href);
    const script = [
      `const { ReadAhead } = await import(${dist('discover/read-ahead.js')});`,
      `const { walk } = await import(${dist('discover/walk.js')});`,
      `const tree = ${JSON.stringify(tree)};`,
      `const ahead = ReadAhead.start([tree], { maxFileBytes: ${MAX_BYTES}, hostRoots: [tree], headFiles: 20, failAfter: 100, failHow: 'exit' });`,
      'const got = [];',
      'for (let f = await ahead.next(); f !== undefined; f = await ahead.next()) got.push(...f.map((x) => x.absPath));',
      'ahead.stop();',
      'const want = walk([tree]).files.map((x) => x.absPath);',
      "process.stdout.write(JSON.stringify({ same: JSON.stringify(got) === JSON.stringify(want), n: got.length }));",
    ].join('\n');
    const r = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ same: true, n: walk([tree]).files.length });
  });

  it('takes over from a thread that keeps it waiting, and from one that ends without a word', async () => {
    const walked = walk([tree]);
    for (const opts of [{ waitLimitMs: 0 }, { failAfter: 70, failHow: 'exit' as const }]) {
      const got = await readAll([tree], { maxFileBytes: MAX_BYTES, hostRoots: [tree], headFiles: 10, ...opts });
      expect(names(got.files)).toEqual(names(walked.files));
      expect(got.diagnostics).toEqual(walked.diagnostics);
    }
  });

  it('gives every file once when the tree changes under the head start, and says so', async () => {
    const changing = mkdtempSync(path.join(tmpdir(), 'ftps-audit-read-ahead-change-'));
    try {
      generateTree(changing, 60);
      const before = walk([changing]).files.map((f) => f.absPath);
      // Changed right after the head is walked, long before the thread has started.
      const ahead = ReadAhead.start([changing], { maxFileBytes: MAX_BYTES, hostRoots: [changing], headFiles: 10 })!;
      const added = path.join(changing, 'site0', 'aaa', 'etc', 'vsftpd.conf');
      mkdirSync(path.dirname(added), { recursive: true });
      writeFileSync(added, 'listen=YES\n');
      rmSync(before[3]!);
      const got: string[] = [];
      try {
        for (let f = await ahead.next(); f !== undefined; f = await ahead.next()) got.push(...f.map((x) => x.absPath));
      } finally {
        ahead.stop();
      }
      // The head (deleted file included: it was given before it went), then the rest, each once.
      expect(new Set(got).size).toBe(got.length);
      expect(new Set(got)).toEqual(new Set([...before, added]));
      expect(ahead.diagnostics.map((d) => d.code)).toContain('discover/tree-changed');
    } finally {
      rmSync(changing, { recursive: true, force: true });
    }
  });

  it('starts no thread for a tree of exactly its head start, and one for a file more', async () => {
    const small = path.join(tree, 'gen', 'site1');
    const n = walk([small]).files.length;
    for (const [headFiles, thread] of [[n, false], [n - 1, true]] as const) {
      const ahead = ReadAhead.start([small], { maxFileBytes: MAX_BYTES, hostRoots: [small], headFiles })!;
      try {
        expect(ahead.postedChunks() >= 0).toBe(thread);
        let files = 0;
        for (let f = await ahead.next(); f !== undefined; f = await ahead.next()) files += f.length;
        expect(files).toBe(n);
      } finally {
        ahead.stop();
      }
    }
  });

  it('walks a tree no larger than its head start alone, with no thread', async () => {
    const small = path.join(tree, 'gen', 'site1');
    const walked = walk([small]);
    const ahead = ReadAhead.start([small], { maxFileBytes: MAX_BYTES, hostRoots: [small], headFiles: walked.files.length + 1 });
    try {
      expect(ahead!.postedChunks()).toBe(-1);
      expect(names((await ahead!.next())!)).toEqual(names(walked.files));
      expect(await ahead!.next()).toBeUndefined();
      expect(ahead!.diagnostics).toEqual(walked.diagnostics);
      expect(walked.diagnostics.map((d) => d.code)).toContain('discover/symlink-outside');
    } finally {
      ahead!.stop();
    }
  });

  it('runs no further ahead than it is allowed to', async () => {
    const ahead = ReadAhead.start([tree], { maxFileBytes: MAX_BYTES, hostRoots: [tree], headFiles: 10, chunksAhead: 2 });
    expect(ahead).toBeDefined();
    try {
      // Bounded waits: the thread needs a moment to start.
      for (let i = 0; i < 100 && ahead!.postedChunks() < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(ahead!.postedChunks()).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(ahead!.postedChunks()).toBe(2);
      let files = 0;
      for (let got = await ahead!.next(); got !== undefined; got = await ahead!.next()) files += got.length;
      expect(files).toBe(walk([tree]).files.length);
      expect(ahead!.postedChunks()).toBeGreaterThan(3);
    } finally {
      ahead!.stop();
    }
  });
});

describe('batches cut as the files come', () => {
  /** Feeds `files` in chunks of the given sizes (cycled), as the read-ahead thread would. */
  function feeder(files: readonly FoundFile[], chunks: number[]): () => Promise<FoundFile[] | undefined> {
    let at = 0;
    let k = 0;
    return async () => {
      if (at >= files.length) return undefined;
      const n = chunks[k++ % chunks.length]!;
      const chunk = files.slice(at, at + n);
      at += n;
      return chunk;
    };
  }

  async function cut(files: readonly FoundFile[], roots: string[], size: number, chunks: number[]): Promise<string[][]> {
    const out: string[][] = [];
    for await (const b of batchesAsFound(feeder(files, chunks), roots, size)) out.push(b.map((f) => f.absPath));
    return out;
  }

  it('are the batches planBatches cuts once the walk is over, for any chunking', async () => {
    const gen = path.join(tree, 'gen');
    const cases: [string, string[]][] = [
      ['one root, files outside any etc/ first and in the middle', [tree]],
      ['one root of hosts only', [gen]],
      ['several roots', [path.join(gen, 'site3'), path.join(gen, 'site4'), gen]],
      ['one host', [path.join(gen, 'site6', 'host6')]],
      ['nothing', [path.join(tree, 'missing')]],
    ];
    let streamedCuts = 0;
    for (const [, roots] of cases) {
      const files = walk(roots).files;
      for (const size of [1, 5, 25, 100, 1000]) {
        const planned = planBatches(files, roots, size).map((b) => b.map((f) => f.absPath));
        for (const chunks of [[1], [7], [64], [3, 50, 1, 200]]) {
          expect(await cut(files, roots, size, chunks)).toEqual(planned);
        }
        if (planned.length > 1) streamedCuts++;
      }
    }
    expect(streamedCuts).toBeGreaterThan(5);
  });

  it('lets read-ahead bytes go beyond 64 MiB while it cannot cut before the end', async () => {
    const big = Buffer.alloc(40 << 20);
    const file = (name: string): FoundFile => ({ absPath: `/r/${name}`, relPath: name, prefetched: { content: big, size: big.length, mode: 0o100644 } });
    const files = [file('a'), file('b'), file('c')];
    // Several roots: nothing is cut before the end.
    const out: FoundFile[][] = [];
    for await (const b of batchesAsFound(feeder(files, [1]), ['/r', '/s'], 2)) out.push(b);
    expect(out.flat().map((f) => f.prefetched !== undefined)).toEqual([true, false, false]);
  });

  it('cuts before the walk is over when the hosts allow it', async () => {
    const gen = path.join(tree, 'gen');
    const files = walk([gen]).files.filter((f) => !f.absPath.endsWith('mid-loose.conf'));
    let fed = 0;
    const next = feeder(files, [10]);
    const counting = async () => {
      const got = await next();
      if (got) fed += got.length;
      return got;
    };
    const seenAt: number[] = [];
    for await (const b of batchesAsFound(counting, [gen], 25)) {
      expect(b.length).toBeGreaterThanOrEqual(1);
      seenAt.push(fed);
    }
    expect(seenAt.length).toBeGreaterThan(5);
    expect(seenAt[0]).toBeLessThan(files.length / 2);
  });
});

describe('streamed scan with the read-ahead thread', () => {
  it('prints the same when the thread fails part way', async () => {
    const roots = [path.join(tree, 'gen')];
    const settings = defaultSettings({ roots });
    const stream: StreamSettings = { settings, maxFileBytes: 5 * 1024 * 1024, failOn: 'low', color: false, showPasses: false };
    const text = (r: Awaited<ReturnType<typeof runStreamedTextScan>>) => Buffer.concat(r!.text.map((p) => Buffer.from(p))).toString('utf8');
    const whole = text(await runStreamedTextScan(roots, undefined, stream));
    const onThreads = text(await runStreamedTextScan(roots, undefined, stream, { jobs: 2 }));
    expect(whole).toBe(onThreads);
    for (const failAfter of [0, 150]) expect(text(await runStreamedTextScan(roots, undefined, stream, { readAheadFailAfter: failAfter }))).toBe(whole);
  });
});
