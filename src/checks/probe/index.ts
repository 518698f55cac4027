import type { Check } from '../../engine/types.js';

/** Checks for the probe target; the engine finds them by name. */
export const checks: Check[] = [];
