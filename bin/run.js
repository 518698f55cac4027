#!/usr/bin/env node
// oclif entry. Commands are read from dist/commands (built by `npm install` via prepare).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
