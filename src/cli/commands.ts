import BaselineCreate from '../commands/baseline/create.js';
import Probe from '../commands/probe.js';
import Report from '../commands/report.js';
import RulesDocs from '../commands/rules/docs.js';
import RulesList from '../commands/rules/list.js';
import RulesShow from '../commands/rules/show.js';
import Scan from '../commands/scan.js';
import Template from '../commands/template.js';

/**
 * Every command by id, for oclif's "explicit" command discovery (package.json oclif.commands):
 * one module to load instead of a directory to glob and a file per command, and the shape
 * oclif supports for a bundled CLI. A command added under src/commands must be added here;
 * test/cli-bundle.test.ts fails when one is missing.
 */
export const COMMANDS = {
  'baseline:create': BaselineCreate,
  probe: Probe,
  report: Report,
  'rules:docs': RulesDocs,
  'rules:list': RulesList,
  'rules:show': RulesShow,
  scan: Scan,
  template: Template,
};
