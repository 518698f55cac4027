// The baseline a scan is compared with: a bare Node script that walks the tree and reads
// every file, and does nothing else.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

let files = 0;
let bytes = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) {
      bytes += readFileSync(p).length;
      files++;
    }
  }
};
walk(process.argv[2]);
process.stdout.write(`${files} ${bytes}\n`);
