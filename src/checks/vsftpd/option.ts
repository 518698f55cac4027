import type { Check, CheckOutcome } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import type { EffectiveValue, VsftpdConfig, VsftpdValue } from '../../model/vsftpd.js';
import { assumptionsFor, describeSource, displayValue, evidenceOf, locationOf, toOctal } from './describe.js';

/**
 * The generic option assertion: most vsftpd rules are "option X must compare to Y, when
 * options A and B are so", which a user pack can state as data without TypeScript.
 */
export type Op = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'notIn' | 'set' | 'unset' | 'matches' | 'notMatches' | 'masks';

export interface Condition {
  option: string;
  op: Op;
  value?: unknown;
}

export interface OptionParams {
  /** All must hold for the rule to apply to a file; otherwise not-applicable. */
  when?: Condition[];
  /** What must hold for a pass. */
  expect: Condition[];
  /** all (default): every expectation; any: at least one. */
  mode?: 'all' | 'any';
  /** Only for these vsftpd builds (e.g. rhel-only options). */
  flavors?: string[];
}

const conditionSchema = {
  type: 'object',
  required: ['option', 'op'],
  additionalProperties: false,
  properties: {
    option: { type: 'string', pattern: '^[a-z0-9_]+$' },
    op: { enum: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'set', 'unset', 'matches', 'notMatches', 'masks'] },
    value: {},
  },
};

const BOOL_WORDS: Record<string, boolean> = { YES: true, TRUE: true, '1': true, NO: false, FALSE: false, '0': false };

/** Rule data writes YES/NO, true/false or octal strings ("027"); compare like with like. */
function normalise(expected: unknown, ev: EffectiveValue): unknown {
  if (ev.type === 'bool') {
    if (typeof expected === 'boolean') return expected;
    if (typeof expected === 'string' && expected.toUpperCase() in BOOL_WORDS) return BOOL_WORDS[expected.toUpperCase()];
  }
  if (ev.type === 'uint' && typeof expected === 'string') return expected.startsWith('0') ? parseInt(expected, 8) : Number(expected);
  return expected;
}

function display(expected: unknown, ev: EffectiveValue): string {
  if (typeof expected === 'boolean') return expected ? 'YES' : 'NO';
  if (Array.isArray(expected)) return expected.map((e) => display(normalise(e, ev), ev)).join(' or ');
  if (typeof expected === 'number' && /(_umask|_mode)$/.test(ev.option)) return toOctal(expected);
  return String(expected);
}

export function holds(c: Condition, ev: EffectiveValue): boolean {
  const v: VsftpdValue = ev.value;
  const want = normalise(c.value, ev);
  switch (c.op) {
    case 'eq':
      return v === want;
    case 'ne':
      return v !== want;
    case 'lt':
      return typeof v === 'number' && v < Number(want);
    case 'lte':
      return typeof v === 'number' && v <= Number(want);
    case 'gt':
      return typeof v === 'number' && v > Number(want);
    case 'gte':
      return typeof v === 'number' && v >= Number(want);
    case 'in':
      return Array.isArray(c.value) && c.value.map((x) => normalise(x, ev)).includes(v);
    case 'notIn':
      return Array.isArray(c.value) && !c.value.map((x) => normalise(x, ev)).includes(v);
    case 'set':
      return v !== null && v !== '';
    case 'unset':
      return v === null || v === '';
    case 'matches':
      return typeof v === 'string' && new RegExp(String(c.value)).test(v);
    case 'notMatches':
      return typeof v !== 'string' || !new RegExp(String(c.value)).test(v);
    case 'masks': {
      // Every bit of the wanted mask must be set in the umask (027 masks group write, other all).
      const bits = Number(want);
      return typeof v === 'number' && (v & bits) === bits;
    }
  }
}

export function describeExpectation(c: Condition, ev: EffectiveValue): string {
  const v = display(normalise(c.value, ev), ev);
  const words: Record<Op, string> = {
    eq: `= ${v}`,
    ne: `≠ ${v}`,
    lt: `< ${v}`,
    lte: `≤ ${v}`,
    gt: `> ${v}`,
    gte: `≥ ${v}`,
    in: `one of ${v}`,
    notIn: `none of ${v}`,
    set: 'set',
    unset: 'unset',
    matches: `matching /${String(c.value)}/`,
    notMatches: `not matching /${String(c.value)}/`,
    masks: `masking at least ${v}`,
  };
  return words[c.op];
}

/** Judges one file against the params. Exported for checks that build on it. */
export function judgeOptions(config: VsftpdConfig, params: OptionParams): CheckOutcome {
  const key = params.expect.map((c) => c.option).join(',');
  if (params.flavors && !params.flavors.includes(config.flavor)) {
    return { status: 'not-applicable', messageId: 'notApplicable', key, location: { file: config.file }, data: { flavor: config.flavor, file: config.file } };
  }
  const seen: EffectiveValue[] = [];
  for (const cond of params.when ?? []) {
    const ev = config.effective(cond.option);
    if (!ev || !holds(cond, ev)) {
      return { status: 'not-applicable', messageId: 'notApplicable', key, location: { file: config.file }, data: { flavor: config.flavor, file: config.file } };
    }
    seen.push(ev);
  }
  const judged: { cond: Condition; ev: EffectiveValue; ok: boolean }[] = [];
  for (const cond of params.expect) {
    const ev = config.effective(cond.option);
    if (!ev) {
      return {
        status: 'not-evaluated',
        messageId: 'notEvaluated',
        key,
        location: { file: config.file },
        data: { reason: `${cond.option} is not an option of the vsftpd ${config.flavor} build`, flavor: config.flavor, file: config.file, option: cond.option },
      };
    }
    judged.push({ cond, ev, ok: holds(cond, ev) });
  }
  const pass = (params.mode ?? 'all') === 'all' ? judged.every((j) => j.ok) : judged.some((j) => j.ok);
  // The subject of the message: the first failing expectation, or the first one on a pass.
  const focus = (pass ? judged.find((j) => j.ok) : judged.find((j) => !j.ok)) ?? judged[0];
  const all = [...seen, ...judged.map((j) => j.ev)];
  return {
    status: pass ? 'pass' : 'fail',
    messageId: pass ? 'pass' : 'fail',
    key,
    location: locationOf(config, focus.ev),
    evidence: judged.map((j) => evidenceOf(j.ev)).join('\n'),
    assumptions: assumptionsFor(all),
    data: {
      option: focus.ev.option,
      value: displayValue(focus.ev),
      expected: describeExpectation(focus.cond, focus.ev),
      source: describeSource(focus.ev),
      flavor: config.flavor,
      file: config.file,
      values: judged.map((j) => `${j.ev.option}=${displayValue(j.ev)}`).join(', '),
    },
  };
}

export const optionCheck: Check = {
  name: 'vsftpd.option',
  target: 'vsftpd',
  description: 'Asserts vsftpd options (effective values: explicit or the build default) against expected values, under optional preconditions.',
  messageIds: ['pass', 'fail'],
  paramsSchema: {
    type: 'object',
    required: ['expect'],
    additionalProperties: false,
    properties: {
      when: { type: 'array', items: conditionSchema },
      expect: { type: 'array', minItems: 1, items: conditionSchema },
      mode: { enum: ['all', 'any'] },
      flavors: { type: 'array', items: { enum: ['upstream', 'debian', 'rhel'] } },
    },
  },
  appliesTo: (inv) => modelsOf(inv, 'vsftpd').length > 0,
  run: ({ inventory, params }) => modelsOf(inventory, 'vsftpd').map((config) => judgeOptions(config, params as unknown as OptionParams)),
};
