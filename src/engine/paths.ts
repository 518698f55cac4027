import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package root, from src/engine (tests) or dist/engine (built): both sit two levels
 * below it, so rules/, templates/ and schemas/ are found the same way in either.
 */
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const RULES_DIR = path.join(PACKAGE_ROOT, 'rules');
export const CATALOGUE_DIR = path.join(RULES_DIR, 'catalogue');
export const PACKS_DIR = path.join(RULES_DIR, 'packs');
export const SCHEMAS_DIR = path.join(PACKAGE_ROOT, 'schemas');
