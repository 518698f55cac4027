#!/usr/bin/env node
// oclif entry: the bundled CLI (dist/bundle, CommonJS, built by `npm install` via prepare;
// see src/cli/build-cli.ts), compiled from V8's code cache where there is one
// (src/cli/code-cache.ts). Commands come from dist/bundle/commands.cjs (package.json oclif.commands).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { codeCacheMode, useCodeCache } from '../dist/cli/code-cache.js';

useCodeCache(fileURLToPath(new URL('../dist/bundle/', import.meta.url)), fileURLToPath(new URL('../dist/bundle-cache/', import.meta.url)), codeCacheMode(process.env.FTPS_AUDIT_CODE_CACHE));
const { execute } = createRequire(import.meta.url)('../dist/bundle/main.cjs');
await execute({ dir: import.meta.url });
