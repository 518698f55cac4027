import type { Check } from '../../engine/types.js';
import { optionCheck } from './option.js';
import { syntaxCheck } from './syntax.js';
import { pasvRangeCheck } from './pasv-range.js';
import { ciphersCheck } from './ciphers.js';

/** Checks for the vsftpd target; the engine finds them by name. */
export const checks: Check[] = [optionCheck, syntaxCheck, pasvRangeCheck, ciphersCheck];
