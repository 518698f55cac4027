/**
 * The live probe as a library: targets in, observations (src/model/probe.ts) out. No
 * judgement here — rules in rules/catalogue/probe judge the observations through the engine.
 *
 *   const obs = await probeTargets(parseTarget('ftp.example.org'), { mode: 'auto', timeoutMs: 5000, concurrency: 4 });
 *   runScan({ paths, extraModels: { probe: obs } })   // scan --probe: config and live in one report
 */
export { probeEndpoint, probeTargets, type ProbeOptions, type ProgressFn } from './run.js';
export { parseTarget, parseTargetsFile, endpointUrl, DEFAULT_PORTS, TargetSyntaxError, type ProbeTarget } from './targets.js';
export { scanTls, type TlsScanOptions } from './tls-scan.js';
export { checkFtp, type FtpCheckOptions } from './ftp-checks.js';
