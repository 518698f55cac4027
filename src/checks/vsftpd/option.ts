import type { Check, CheckContext, CheckOutcome, MessageData } from '../../engine/types.js';
import { modelsOf } from '../../model/inventory.js';
import { vsftpdOptionNumber } from '../../parsers/vsftpd/index.js';
import type { EffectiveValue, VsftpdConfig, VsftpdValue } from '../../model/vsftpd.js';
import { assumptionOf, describeSource, displayValue, evidenceOf, locationOf, NO_ASSUMPTIONS, toOctal } from './describe.js';

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

// A condition is judged against every file of a tree with the same rule data: normalise its
// value (and list, and pattern) once per option type, not once per file.
interface Prepared {
  want: unknown;
  list?: unknown[];
  re?: RegExp;
  /** describeExpectation's words, and the option name they were built for. */
  words?: string;
  wordsFor?: string;
}
const prepared = new WeakMap<Condition, Map<EffectiveValue['type'], Prepared>>();
function prepare(c: Condition, ev: EffectiveValue): Prepared {
  let byType = prepared.get(c);
  if (!byType) prepared.set(c, (byType = new Map()));
  let p = byType.get(ev.type);
  if (!p) {
    p = { want: normalise(c.value, ev) };
    if (Array.isArray(c.value)) p.list = c.value.map((x) => normalise(x, ev));
    byType.set(ev.type, p);
  }
  return p;
}

// Compiled on first use only, so a bad pattern fails exactly where it did before.
function patternOf(c: Condition, p: Prepared): RegExp {
  return (p.re ??= new RegExp(String(c.value)));
}

export function holds(c: Condition, ev: EffectiveValue): boolean {
  return holdsPrepared(c, prepare(c, ev), ev.value);
}

function holdsPrepared(c: Condition, p: Prepared, v: VsftpdValue): boolean {
  const want = p.want;
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
      return p.list !== undefined && p.list.includes(v);
    case 'notIn':
      return p.list !== undefined && !p.list.includes(v);
    case 'set':
      return v !== null && v !== '';
    case 'unset':
      return v === null || v === '';
    case 'matches':
      return typeof v === 'string' && patternOf(c, p).test(v);
    case 'notMatches':
      return typeof v !== 'string' || !patternOf(c, p).test(v);
    case 'masks': {
      // Every bit of the wanted mask must be set in the umask (027 masks group write, other all).
      const bits = Number(want);
      return typeof v === 'number' && (v & bits) === bits;
    }
  }
}

export function describeExpectation(c: Condition, ev: EffectiveValue): string {
  // The words depend on the condition, the option's type and its name only: build them once
  // per rule, not once per file.
  const p = prepare(c, ev);
  if (p.wordsFor !== ev.option) {
    p.words = expectationWords(c, ev);
    p.wordsFor = ev.option;
  }
  return p.words!;
}

function expectationWords(c: Condition, ev: EffectiveValue): string {
  // Only the words for c.op are built.
  switch (c.op) {
    case 'set':
      return 'set';
    case 'unset':
      return 'unset';
    case 'matches':
      return `matching /${String(c.value)}/`;
    case 'notMatches':
      return `not matching /${String(c.value)}/`;
  }
  const v = display(normalise(c.value, ev), ev);
  switch (c.op) {
    case 'eq':
      return `= ${v}`;
    case 'ne':
      return `≠ ${v}`;
    case 'lt':
      return `< ${v}`;
    case 'lte':
      return `≤ ${v}`;
    case 'gt':
      return `> ${v}`;
    case 'gte':
      return `≥ ${v}`;
    case 'in':
      return `one of ${v}`;
    case 'notIn':
      return `none of ${v}`;
    case 'masks':
      return `masking at least ${v}`;
  }
}

/**
 * A parameter set as judged: the same params object is judged against every file of a tree,
 * so its key ("opt1,opt2"), its conditions in order and each condition's prepared value
 * (by option type, see prepare) are worked out once, not once per file.
 */
interface CompiledCondition {
  cond: Condition;
  /** The option's number (vsftpdOptionNumber), when some build has the option. */
  number: number | undefined;
  /** prepare(cond, ev) for the last option type met (an option's type is the same in every file). */
  type?: EffectiveValue['type'];
  prepared?: Prepared;
}
// One shape for every rule's compiled params, whatever shape its rule data has: the check
// reads these, not the params, once per rule per file.
interface CompiledParams {
  key: string;
  when: CompiledCondition[];
  expect: CompiledCondition[];
  all: boolean;
  flavors: string[] | undefined;
}
const compiledParams = new WeakMap<OptionParams, CompiledParams>();
function compile(params: OptionParams): CompiledParams {
  let c = compiledParams.get(params);
  if (!c) {
    const conditions = (list: Condition[] | undefined): CompiledCondition[] => (list ?? []).map((cond) => ({ cond, number: vsftpdOptionNumber(cond.option) }));
    c = {
      key: params.expect.map((x) => x.option).join(','),
      when: conditions(params.when),
      expect: conditions(params.expect),
      all: (params.mode ?? 'all') === 'all',
      flavors: params.flavors,
    };
    compiledParams.set(params, c);
  }
  return c;
}

/** The effective value a compiled condition asks about. */
function effectiveOf(config: VsftpdConfig, c: CompiledCondition): EffectiveValue | undefined {
  if (config.effectiveAt) return c.number === undefined ? undefined : config.effectiveAt(c.number);
  return config.effective(c.cond.option);
}

function holdsCompiled(c: CompiledCondition, ev: EffectiveValue): boolean {
  if (c.type !== ev.type) {
    c.prepared = prepare(c.cond, ev);
    c.type = ev.type;
  }
  return holdsPrepared(c.cond, c.prepared!, ev.value);
}

/** Judges one file against the params. Exported for checks that build on it. */
export function judgeOptions(config: VsftpdConfig, params: OptionParams, brief?: CheckContext['brief'], compiled: CompiledParams = compile(params)): CheckOutcome {
  // Runs once per rule per file (hundreds of thousands of times on a large tree): plain
  // loops, nothing kept per file but the outcome (an effective value is one array read, so
  // it is asked again rather than collected), and the words only when a report shows them.
  const key = compiled.key;
  if (compiled.flavors && !compiled.flavors.includes(config.flavor)) {
    return brief?.('not-applicable') ?? { status: 'not-applicable', messageId: 'notApplicable', key, location: { file: config.file }, data: { flavor: config.flavor, file: config.file } };
  }
  const when = compiled.when;
  for (let i = 0; i < when.length; i++) {
    const ev = effectiveOf(config, when[i]!);
    if (!ev || !holdsCompiled(when[i]!, ev)) {
      return brief?.('not-applicable') ?? { status: 'not-applicable', messageId: 'notApplicable', key, location: { file: config.file }, data: { flavor: config.flavor, file: config.file } };
    }
  }
  const expected = compiled.expect;
  let firstOk = -1;
  let firstFailed = -1;
  for (let i = 0; i < expected.length; i++) {
    const cond = expected[i]!.cond;
    const ev = effectiveOf(config, expected[i]!);
    if (!ev) {
      return {
        status: 'not-evaluated',
        messageId: 'notEvaluated',
        key,
        location: { file: config.file },
        data: { reason: `${cond.option} is not an option of the vsftpd ${config.flavor} build`, flavor: config.flavor, file: config.file, option: cond.option },
      };
    }
    if (holdsCompiled(expected[i]!, ev)) {
      if (firstOk < 0) firstOk = i;
    } else if (firstFailed < 0) firstFailed = i;
  }
  const pass = compiled.all ? firstFailed < 0 : firstOk >= 0;
  const counted = brief?.(pass ? 'pass' : 'fail');
  if (counted) return counted;
  // The subject of the message: the first failing expectation, or the first one on a pass.
  const at = pass ? firstOk : firstFailed;
  const focus = expected[at < 0 ? 0 : at]!;
  const focusCond = focus.cond;
  const focusEv = effectiveOf(config, focus)!;
  let evidence: string;
  if (expected.length === 1) evidence = evidenceOf(focusEv);
  else {
    const evidences: string[] = [];
    for (const c of expected) evidences.push(evidenceOf(effectiveOf(config, c)!));
    evidence = evidences.join('\n');
  }
  let assumptions: string[] | undefined;
  for (const list of [when, expected]) {
    for (const c of list) {
      const ev = effectiveOf(config, c)!;
      if (ev.source === 'default') (assumptions ??= []).push(assumptionOf(ev));
    }
  }
  return {
    status: pass ? 'pass' : 'fail',
    messageId: pass ? 'pass' : 'fail',
    key,
    location: locationOf(config, focusEv),
    evidence,
    assumptions: assumptions ?? NO_ASSUMPTIONS,
    // Words only for a report that shows them, and only those its message asks for.
    data: new OptionWords(config, expected, focusEv, focusCond) as unknown as MessageData,
  };
}

/**
 * The words of a judged file's message, each worked out only when the rule's template names
 * it (formatMessage reads placeholders by name, so a getter runs only then): most templates
 * use two or three of them, and `values` is a loop and a join. Nothing else is readable by
 * name (private fields), so an unknown placeholder still shows as itself.
 */
class OptionWords {
  readonly #config: VsftpdConfig;
  readonly #expected: readonly CompiledCondition[];
  readonly #focusEv: EffectiveValue;
  readonly #focusCond: Condition;

  constructor(config: VsftpdConfig, expected: readonly CompiledCondition[], focusEv: EffectiveValue, focusCond: Condition) {
    this.#config = config;
    this.#expected = expected;
    this.#focusEv = focusEv;
    this.#focusCond = focusCond;
  }

  get option(): string {
    return this.#focusEv.option;
  }

  get value(): string {
    return displayValue(this.#focusEv);
  }

  get expected(): string {
    return describeExpectation(this.#focusCond, this.#focusEv);
  }

  get source(): string {
    return describeSource(this.#focusEv);
  }

  get flavor(): string {
    return this.#config.flavor;
  }

  get file(): string {
    return this.#config.file;
  }

  get values(): string {
    const values: string[] = [];
    for (const c of this.#expected) {
      const ev = effectiveOf(this.#config, c)!;
      values.push(`${ev.option}=${displayValue(ev)}`);
    }
    return values.join(', ');
  }
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
  run: ({ inventory, params, brief }) => {
    const compiled = compile(params as unknown as OptionParams);
    return modelsOf(inventory, 'vsftpd').map((config) => judgeOptions(config, params as unknown as OptionParams, brief, compiled));
  },
};
