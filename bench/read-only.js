// The baseline a scan is compared with: a bare Node script that walks the tree and reads
// every file, and does nothing else. Run as a script (what the benchmarks time), or its
// loop imported (bench/parse-bench.js times it in-process).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Walks dir and reads every regular file: how many, and how many bytes. */
export function readTree(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        bytes += readFileSync(p).length;
        files++;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files, bytes } = readTree(process.argv[2]);
  process.stdout.write(`${files} ${bytes}\n`);
}
