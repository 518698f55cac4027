import type { Inventory, InventoryModels } from '../../src/model/inventory.js';
import type { Result } from '../../src/model/result.js';
import type { VsftpdFlavor } from '../../src/model/vsftpd.js';
import { parseVsftpdConf } from '../../src/parsers/vsftpd/index.js';
import { defaultSettings, judge, loadRuleSet } from '../../src/pipeline/scan.js';

let ruleSet: ReturnType<typeof loadRuleSet> | undefined;

/** Judges in-memory models with the real catalogue and built-in packs (no files involved). */
export async function judgeModels(models: Partial<InventoryModels>, flavor: VsftpdFlavor = 'debian'): Promise<Result[]> {
  ruleSet ??= loadRuleSet();
  const inventory: Inventory = { settings: defaultSettings({ flavor }), artifacts: [], models, diagnostics: [] };
  const report = await judge(inventory, await ruleSet, { command: 'test', args: [], targets: [] });
  return report.results;
}

/** Results of one rule for one vsftpd.conf text. */
export async function judgeVsftpd(text: string, ruleId: string, flavor: VsftpdFlavor = 'debian'): Promise<Result[]> {
  const config = parseVsftpdConf(text, 'etc/vsftpd.conf', flavor);
  return (await judgeModels({ vsftpd: [config] }, flavor)).filter((r) => r.ruleId === ruleId);
}
