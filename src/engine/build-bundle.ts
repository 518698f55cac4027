// Run by `npm run build` after tsc: validates the built-in rules and packs (a broken one
// fails the build with its file, line and field) and writes dist/rules.bundle.json.
import { allChecks } from '../checks/index.js';
import { writeBundle } from './rules-bundle.js';

try {
  const file = await writeBundle(allChecks());
  process.stdout.write(`rules validated; bundle written to ${file}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
