import type { ScanReport } from '../model/report.js';

/**
 * Anchor of a rule in the generated rules reference (docs/rules.md). Rule ids contain '/',
 * which GitHub's heading slugs drop, so docs/rules.md carries an explicit
 * `<a id="vsftpd-ssl-enable"></a>` per rule and every reporter links to that anchor.
 */
export function ruleAnchor(ruleId: string): string {
  return ruleId.replace(/\//g, '-');
}

/**
 * Absolute URL of a rule's entry in the rules reference. The tool's informationUri is the
 * project home; on GitHub the reference is browsed at blob/main/docs/rules.md.
 */
export function ruleHelpUri(report: Pick<ScanReport, 'tool'>, ruleId: string): string {
  const home = report.tool.informationUri.replace(/\/+$/, '');
  const onGitHub = /^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(home);
  const doc = onGitHub ? `${home}/blob/main/docs/rules.md` : `${home}/docs/rules.md`;
  return `${doc}#${ruleAnchor(ruleId)}`;
}
