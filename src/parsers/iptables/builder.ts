import type { FileLocation } from '../../model/location.js';
import type { BaseChainSpec, ChainType, FirewallChain, FirewallRule, FirewallTable, Hook } from '../../model/firewall.js';
import type { ParsedCommand } from './rule-spec.js';

/**
 * The kernel-side state that iptables commands edit: per table, built-in chains with their
 * hooks and priorities (the numbers nftables uses for the same tables) and user chains.
 * Both iptables-save files and shell scripts drive it command by command.
 */
interface BuiltinChain { hook: Hook; priority: number; type: ChainType }

const BUILTINS: Record<string, Record<string, BuiltinChain>> = {
  filter: {
    INPUT: { hook: 'input', priority: 0, type: 'filter' },
    FORWARD: { hook: 'forward', priority: 0, type: 'filter' },
    OUTPUT: { hook: 'output', priority: 0, type: 'filter' },
  },
  nat: {
    PREROUTING: { hook: 'prerouting', priority: -100, type: 'nat' },
    INPUT: { hook: 'input', priority: 100, type: 'nat' },
    OUTPUT: { hook: 'output', priority: -100, type: 'nat' },
    POSTROUTING: { hook: 'postrouting', priority: 100, type: 'nat' },
  },
  mangle: {
    PREROUTING: { hook: 'prerouting', priority: -150, type: 'filter' },
    INPUT: { hook: 'input', priority: -150, type: 'filter' },
    FORWARD: { hook: 'forward', priority: -150, type: 'filter' },
    OUTPUT: { hook: 'output', priority: -150, type: 'route' },
    POSTROUTING: { hook: 'postrouting', priority: -150, type: 'filter' },
  },
  raw: {
    PREROUTING: { hook: 'prerouting', priority: -300, type: 'filter' },
    OUTPUT: { hook: 'output', priority: -300, type: 'filter' },
  },
  security: {
    INPUT: { hook: 'input', priority: 50, type: 'filter' },
    FORWARD: { hook: 'forward', priority: 50, type: 'filter' },
    OUTPUT: { hook: 'output', priority: 50, type: 'filter' },
  },
};

export function isKnownTable(name: string): boolean {
  return name in BUILTINS;
}

export class IptablesBuilder {
  readonly tables = new Map<string, FirewallTable>();
  /** -D by specification compares rule specs; computed lazily (deletes are rare). */
  private readonly specKeys = new WeakMap<FirewallRule, () => string>();

  constructor(private readonly family: 'ip' | 'ip6') {}

  table(name: string): FirewallTable | undefined {
    let t = this.tables.get(name);
    if (t) return t;
    const builtins = BUILTINS[name];
    if (!builtins) return undefined;
    t = { family: this.family, name, chains: [] };
    for (const [chain, spec] of Object.entries(builtins)) {
      const base: BaseChainSpec = { type: spec.type, hook: spec.hook, priority: spec.priority, policy: 'accept' };
      t.chains.push({ name: chain, base, rules: [] });
    }
    this.tables.set(name, t);
    return t;
  }

  chain(table: FirewallTable, name: string): FirewallChain | undefined {
    return table.chains.find((c) => c.name === name);
  }

  /** Reset a table as iptables-restore does when a `*table` section starts. */
  resetTable(name: string, location: FileLocation): FirewallTable | undefined {
    this.tables.delete(name);
    const t = this.table(name);
    if (t) t.location = location;
    return t;
  }

  /**
   * Apply one parsed command. Returns the error iptables would print, if any; the state is
   * unchanged then (a failing command has no effect).
   */
  apply(cmd: ParsedCommand, location: FileLocation, text: string, specKey: () => string): string | undefined {
    if (cmd.errors.length) return cmd.errors[0];
    const table = this.table(cmd.table);
    if (!table) return `can't initialize iptables table \`${cmd.table}': Table does not exist`;
    const chain = cmd.chain !== undefined ? this.chain(table, cmd.chain) : undefined;
    const needChain = (): FirewallChain | string => chain ?? `chain \`${cmd.chain ?? ''}' does not exist in table ${table.name}`;
    const checkTarget = (): string | undefined => {
      if (cmd.targetChain === undefined) return undefined;
      if (!this.chain(table, cmd.targetChain) || this.chain(table, cmd.targetChain)!.base) {
        return `Couldn't load target \`${cmd.targetChain}': No such file or directory`;
      }
      return undefined;
    };
    const rule = (): FirewallRule => {
      const r: FirewallRule = { conditions: cmd.conditions, target: cmd.target, effects: cmd.effects, text, location };
      this.specKeys.set(r, specKey);
      return r;
    };
    switch (cmd.op) {
      case 'append':
      case 'insert':
      case 'replace': {
        const c = needChain();
        if (typeof c === 'string') return c;
        const bad = checkTarget();
        if (bad) return bad;
        if (cmd.op === 'append') c.rules.push(rule());
        else if (cmd.op === 'insert') {
          const at = (cmd.index ?? 1) - 1;
          if (at > c.rules.length) return 'Index of insertion too big';
          c.rules.splice(at, 0, rule());
        } else {
          const at = (cmd.index ?? 0) - 1;
          if (at < 0 || at >= c.rules.length) return 'Index of replacement too big';
          c.rules[at] = rule();
        }
        return undefined;
      }
      case 'delete': {
        const c = needChain();
        if (typeof c === 'string') return c;
        if (cmd.index !== undefined && !cmd.hasRuleSpec) {
          if (cmd.index < 1 || cmd.index > c.rules.length) return 'Index of deletion too big';
          c.rules.splice(cmd.index - 1, 1);
          return undefined;
        }
        const wanted = specKey();
        const at = c.rules.findIndex((r) => this.specKeys.get(r)?.() === wanted);
        if (at < 0) return 'Bad rule (does a matching rule exist in that chain?)';
        c.rules.splice(at, 1);
        return undefined;
      }
      case 'policy': {
        const c = needChain();
        if (typeof c === 'string') return c;
        if (!c.base) return `Can't set policy \`${cmd.policy}' on user-defined chain`;
        if (cmd.policy !== 'ACCEPT' && cmd.policy !== 'DROP') return `Bad policy name \`${cmd.policy}'`;
        c.base.policy = cmd.policy === 'ACCEPT' ? 'accept' : 'drop';
        c.base.policyLocation = location;
        return undefined;
      }
      case 'flush':
        if (cmd.chain !== undefined) {
          const c = needChain();
          if (typeof c === 'string') return c;
          c.rules = [];
        } else {
          for (const c of table.chains) c.rules = [];
        }
        return undefined;
      case 'new-chain':
        if (chain) return 'Chain already exists';
        if (!cmd.chain || cmd.chain.length > 28 || cmd.chain.startsWith('-')) return 'Invalid chain name';
        table.chains.push({ name: cmd.chain, rules: [], location });
        return undefined;
      case 'delete-chain': {
        const victims = cmd.chain !== undefined ? [needChain()] : table.chains.filter((c) => !c.base);
        for (const v of victims) {
          if (typeof v === 'string') return v;
          if (v.base) return "Can't delete built-in chain";
          const referenced = table.chains.some((c) => c.rules.some((r) => (r.target.kind === 'jump' || r.target.kind === 'goto') && r.target.chain === v.name));
          if (referenced || v.rules.length) return 'Directory not empty (chain is referenced or not empty)';
          table.chains.splice(table.chains.indexOf(v), 1);
        }
        return undefined;
      }
      case 'zero':
      case 'list':
        return undefined;
      case 'none':
        return 'no command specified';
    }
  }

  /** Declare a chain from an iptables-save `:NAME POLICY [p:b]` line. */
  declare(tableName: string, name: string, policy: string, location: FileLocation): string | undefined {
    const table = this.table(tableName);
    if (!table) return `table ${tableName} does not exist`;
    const existing = this.chain(table, name);
    if (existing?.base) {
      if (policy !== 'ACCEPT' && policy !== 'DROP') return `Can't set policy \`${policy}' on \`${name}'`;
      existing.base.policy = policy === 'ACCEPT' ? 'accept' : 'drop';
      existing.base.policyLocation = location;
      existing.location = location;
      return undefined;
    }
    if (policy !== '-') return `Can't set policy \`${policy}' on user-defined chain \`${name}'`;
    if (existing) return `chain \`${name}' already declared`;
    table.chains.push({ name, rules: [], location });
    return undefined;
  }

  result(): FirewallTable[] {
    return [...this.tables.values()];
  }
}
