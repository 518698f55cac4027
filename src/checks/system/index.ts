import type { Check } from '../../engine/types.js';
import { fail2banFilterHostInjection } from './fail2ban-filter.js';
import { fail2banBantime, fail2banLogpath, fail2banVsftpdJail } from './fail2ban.js';
import { faillockDeny, faillockUnlockTime } from './faillock.js';
import { loginDefsIgnoredLine, loginDefsMaxDays } from './login-defs.js';
import { pamFaillockMissing, pwhistoryRemember, pwqualityNotInPam } from './pam.js';
import { pwqualityLetterDigit, pwqualityMinlen, pwqualityNotEnforcing } from './pwquality.js';

/** Checks for the system target; the engine finds them by name. */
export const checks: Check[] = [
  faillockDeny, faillockUnlockTime, pamFaillockMissing,
  pwqualityMinlen, pwqualityLetterDigit, pwqualityNotEnforcing, pwqualityNotInPam, pwhistoryRemember,
  loginDefsMaxDays, loginDefsIgnoredLine,
  fail2banVsftpdJail, fail2banBantime, fail2banLogpath, fail2banFilterHostInjection,
];
