#!/usr/bin/env node
// oclif entry: the bundled CLI (dist/bundle, built by `npm install` via prepare; see
// src/cli/build-cli.ts). Commands come from dist/bundle/commands.js (package.json oclif.commands).
import { execute } from '../dist/bundle/main.js';

await execute({ dir: import.meta.url });
