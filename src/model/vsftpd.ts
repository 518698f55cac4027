import type { FileLocation } from './location.js';

export type VsftpdFlavor = 'upstream' | 'debian' | 'rhel';
export const VSFTPD_FLAVORS: readonly VsftpdFlavor[] = ['upstream', 'debian', 'rhel'];

export type VsftpdOptionType = 'bool' | 'uint' | 'string';

/** One line of vsftpd.conf that the daemon treats as a setting (name=value or bare name). */
export interface VsftpdDirective {
  /** The name exactly as the daemon sees it (leading blanks stripped, nothing else). */
  name: string;
  /** The raw value after the first '=' (undefined when the line has no '='). */
  rawValue: string | undefined;
  /** The line as written, without its trailing newline (CR kept). */
  text: string;
  location: FileLocation;
  /** 1-based column where the value starts (after '='). */
  valueColumn?: number;
}

/**
 * Everything the daemon would misread or refuse in a file, as a located fact.
 * code is stable: rules select syntax problems by it.
 */
export type VsftpdSyntaxCode =
  | 'unknown-option'        // daemon refuses to start: unrecognised variable
  | 'space-around-equals'   // "ssl_enable = YES": name or bool value carries blanks
  | 'bad-bool'              // value not YES/TRUE/1/NO/FALSE/0 after upper-casing
  | 'missing-value'         // bool/uint with no '=' or empty value
  | 'indented-comment'      // "   # x" is a setting named "# x"
  | 'crlf'                  // CR kept in value: breaks bools, pollutes strings
  | 'numeric-junk'          // uint with trailing junk or non-digits (silently atoi'd)
  | 'octal-trap'            // leading 0 with digits 8/9, or decimal umask/mode that is not what was meant
  | 'truncated'             // content past 100,000 bytes is ignored
  | 'duplicate'             // set more than once: last wins
  | 'listen-both'           // listen=YES and listen_ipv6=YES: refuses to start
  | 'other-comment-style';  // ";x=1" or "[section]"

export interface VsftpdSyntaxIssue {
  code: VsftpdSyntaxCode;
  message: string;
  location: FileLocation;
  /** The option involved, if any. */
  option?: string;
  /** True if this stops the daemon from starting (500 OOPS at startup). */
  fatal: boolean;
  /**
   * For fatal issues: the message the daemon prints after "500 OOPS: " when this is the
   * first fatal problem it meets (e.g. "unrecognised variable in config file: foo").
   */
  daemonMessage?: string;
  /** Other lines involved (e.g. the earlier occurrences of a duplicate). */
  related?: FileLocation[];
}

export type VsftpdValue = boolean | number | string | null;

/** The value the daemon would use for an option, and why. */
export interface EffectiveValue {
  option: string;
  type: VsftpdOptionType;
  value: VsftpdValue;
  /** explicit: set in the file (last occurrence); default: the flavor's compiled-in default. */
  source: 'explicit' | 'default';
  flavor: VsftpdFlavor;
  /** The directive that set it, when explicit. */
  directive?: VsftpdDirective;
}

export interface VsftpdConfig {
  /** Path relative to scan root. */
  file: string;
  flavor: VsftpdFlavor;
  /** Every setting line, in file order (duplicates included). */
  directives: VsftpdDirective[];
  issues: VsftpdSyntaxIssue[];
  /** Would the real daemon (of this flavor) refuse to start with this file? */
  refusesToStart: boolean;
  /** Inline waivers: "#ftps-audit-ignore RULE reason" on the line above a directive. */
  inlineWaivers: { ruleId: string; reason: string; line: number; appliesToLine: number }[];
  /** Effective value of any option known to the flavor (explicit or default). */
  effective(option: string): EffectiveValue | undefined;
  /**
   * Optional: effective() by the option's number (vsftpdOptionNumber() of the parser), for
   * checks that ask every file of a tree for the same options: no lookup of the name.
   */
  effectiveAt?(optionNumber: number): EffectiveValue | undefined;
}
