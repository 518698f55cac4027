import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether git tracks a file, asked once per repository (`git ls-files`), cached for the
 * process. We never weaken git's own safety checks (safe.directory): a repository git
 * refuses to read is "unknown". core.fsmonitor is forced off so that a scanned
 * repository's config cannot make us run its commands.
 */
const trackedByRepo = new Map<string, Set<string> | undefined>();

export function repositoryOf(absPath: string): string | undefined {
  let dir = path.dirname(absPath);
  for (let depth = 0; depth < 64; depth++) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export function gitStatusOf(absPath: string): 'tracked' | 'untracked' | 'outside-repository' | 'unknown' {
  const repo = repositoryOf(absPath);
  if (!repo) return 'outside-repository';
  if (!trackedByRepo.has(repo)) trackedByRepo.set(repo, listTracked(repo));
  const tracked = trackedByRepo.get(repo);
  if (!tracked) return 'unknown';
  return tracked.has(path.relative(repo, absPath).split(path.sep).join('/')) ? 'tracked' : 'untracked';
}

function listTracked(repo: string): Set<string> | undefined {
  try {
    const out = execFileSync('git', ['-c', 'core.fsmonitor=false', '-C', repo, 'ls-files', '-z'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    });
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return undefined;
  }
}

/** For tests: forget cached listings. */
export function clearGitCache(): void {
  trackedByRepo.clear();
}
