import type { Check } from '../../engine/types.js';

/** Checks for the vsftpd target; the engine finds them by name. */
export const checks: Check[] = [];
