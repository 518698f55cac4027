import type { Check } from '../../engine/types.js';
import { endpointReachable, ftpsNotOffered, modeMismatch } from './reachability.js';
import { clientRenegotiation, compression, fallbackScsv, legacyProtocolAccepted, protocolMissing, secureRenegotiation, tlsErrorsLeaked } from './tls-protocols.js';
import { noForwardSecrecy, nistSuites, weakDh, weakGroups, weakSuites } from './tls-suites.js';
import { certHostname, certUntrusted, certValidity, certWeakKey } from './certificates.js';
import {
  anonymousAccess, anonymousInClear, authSsl, cccAccepted, clearDataChannel, credentialsInClear, dataChannelMatchesControl,
  dataSessionReuse, pasvAddressLeak, siteExposed, versionDisclosed, clearFallback,
} from './ftp.js';
import { configVsLive } from './config-vs-live.js';
import { ccsInjection, heartbleed } from './heartbleed.js';

/** Checks for the probe target (live observations); the engine finds them by name. */
export const checks: Check[] = [
  endpointReachable, modeMismatch, ftpsNotOffered,
  legacyProtocolAccepted, protocolMissing, fallbackScsv, compression, secureRenegotiation, clientRenegotiation, tlsErrorsLeaked,
  weakSuites, nistSuites, noForwardSecrecy, weakDh, weakGroups,
  certUntrusted, certHostname, certValidity, certWeakKey,
  credentialsInClear, anonymousInClear, anonymousAccess, clearDataChannel, dataSessionReuse, dataChannelMatchesControl,
  pasvAddressLeak, authSsl, cccAccepted, siteExposed, versionDisclosed,
  configVsLive, heartbleed, ccsInjection, clearFallback,
];
