import * as Flags from '@oclif/core/flags';
import { SEVERITIES } from '../model/result.js';
import { VSFTPD_FLAVORS } from '../model/vsftpd.js';

/** Flags shared by scan, probe and report, defined once so help and parsing agree. */
export const packFlag = Flags.string({
  char: 'p',
  description: 'Rule pack: hipaa, pci-dss, nist-800-52r2, or a path to a user pack file (repeatable; default: all three built-in packs).',
  multiple: true,
});

export const flavorFlag = Flags.string({
  description: 'vsftpd build whose option table and compiled-in defaults apply.',
  options: [...VSFTPD_FLAVORS],
  default: 'debian',
});

export const formatFlag = Flags.string({
  char: 'f',
  description: 'Output format for stdout (or for --output FILE).',
  options: ['text', 'json', 'sarif', 'html', 'junit'],
  default: 'text',
});

export const outputFlag = Flags.string({
  char: 'o',
  description: 'Write a report: FILE (in --format) or FORMAT=FILE, e.g. sarif=out.sarif (repeatable).',
  multiple: true,
});

export const failOnFlag = Flags.string({
  description: 'Exit 1 when a failure (not waived, and new against --baseline) is at or above this severity.',
  options: [...SEVERITIES, 'none'],
  default: 'high',
});

export const colorFlag = Flags.boolean({
  description: 'Colour the text report (default: on a TTY unless NO_COLOR is set).',
  allowNo: true,
});

export const baselineFlag = Flags.string({ description: 'A saved JSON result: fail only on findings not in it, and list the fixed ones.' });
export const waiversFlag = Flags.string({ description: 'Waiver file (YAML/JSON). Default: .ftps-audit-waivers.yml in the working directory, if present.' });
export const showPassesFlag = Flags.boolean({ description: 'List passing results in the text report (they are always in JSON/HTML).' });
export const sarifCategoryFlag = Flags.string({
  description: 'Code scanning category written into SARIF (runAutomationDetails.id), e.g. ftps-audit/prod; upload-sarif does not override one already in the file.',
});

/** How to talk to live servers: shared by `probe` and `scan --probe`. */
export const liveProbeFlags = {
  sni: Flags.string({ description: 'Server name to send in the TLS SNI extension.' }),
  hostname: Flags.string({ description: 'Name the certificate must cover (default: --sni, else the target host).' }),
  'ca-file': Flags.string({ description: 'PEM trust anchors for chain verification (default: the system store).' }),
  timeout: Flags.integer({ description: 'Bound in milliseconds for each connect and each read.', default: 5000, min: 100 }),
  concurrency: Flags.integer({ description: 'Targets probed at once.', default: 4, min: 1, max: 256 }),
  mode: Flags.string({ description: "FTPS mode expected; the port's real mode is detected and a mismatch reported.", options: ['auto', 'explicit', 'implicit'], default: 'auto' }),
  user: Flags.string({ description: 'Account for the checks that need a login (data channel, PROT C, PASV, SITE, CCC). Logs in over TLS only.' }),
  'password-env': Flags.string({ description: "Name of the environment variable holding --user's password (never a value on the command line; never printed)." }),
  'no-renegotiation': Flags.boolean({ description: 'Skip client-initiated renegotiation tests (they need full handshakes).' }),
};

/** Parsed values of the output and gating flags every judging command shares. */
export interface ReportingFlags {
  pack?: string[];
  format: string;
  output?: string[];
  'fail-on': string;
  color?: boolean;
  'show-passes'?: boolean;
  baseline?: string;
  waivers?: string;
  'sarif-category'?: string;
}

/** Parsed values of liveProbeFlags. */
export interface LiveProbeFlagValues {
  sni?: string;
  timeout: number;
  concurrency: number;
  mode: string;
  user?: string;
  'password-env'?: string;
  'no-renegotiation'?: boolean;
}
