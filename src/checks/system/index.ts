import type { Check } from '../../engine/types.js';

/** Checks for the system target; the engine finds them by name. */
export const checks: Check[] = [];
