import { Flags } from '@oclif/core';
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
