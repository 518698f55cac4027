import type { Check } from '../../engine/types.js';
import { activeModeBlocked } from './active-mode-blocked.js';
import { conntrackFtpHelper } from './conntrack-ftp-helper.js';
import { controlPortBlocked } from './control-port-blocked.js';
import { controlPortAnySource, controlPortNoRateLimit } from './control-port-limits.js';
import { defaultAccept } from './default-accept.js';
import { ipv6Unfiltered } from './ipv6-unfiltered.js';
import { ipv6NdpBlocked } from './ipv6-ndp-blocked.js';
import { outputDefaultAccept } from './output-default-accept.js';
import { passiveRangeMismatch } from './passive-range-mismatch.js';
import { plaintextPortOpen } from './plaintext-port-open.js';
import { rulesetRejected } from './ruleset-rejected.js';
import { unneededFtpPortOpen } from './unneeded-ftp-port-open.js';
import { unsupportedConstruct } from './unsupported-construct.js';

/** Checks for the firewall target; the engine finds them by name. */
export const checks: Check[] = [
  rulesetRejected,
  defaultAccept,
  outputDefaultAccept,
  controlPortBlocked,
  plaintextPortOpen,
  unneededFtpPortOpen,
  passiveRangeMismatch,
  conntrackFtpHelper,
  ipv6Unfiltered,
  ipv6NdpBlocked,
  controlPortNoRateLimit,
  controlPortAnySource,
  activeModeBlocked,
  unsupportedConstruct,
];
