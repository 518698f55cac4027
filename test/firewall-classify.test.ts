import { describe, expect, it } from 'vitest';
import { classify } from '../src/discover/classify.js';
import { parseIptablesScript } from '../src/parsers/iptables/script.js';

/** The iptables-script sniff: commands embedded in Ansible strings, chained lines, $IPT scripts. */
describe('iptables script classification and extraction', () => {
  const cases: [string, string, number][] = [
    ['roles/ftp/tasks/main.yml', '- name: open ftps\n  command: iptables -A INPUT -p tcp --dport 990 -j ACCEPT\n', 1],
    ['roles/ftp/tasks/main.yml', '- name: open ftps\n  ansible.builtin.shell: "iptables -A INPUT -p tcp --dport 990 -j ACCEPT && iptables -P INPUT DROP"\n', 1],
    ['Makefile', 'firewall:\n\tiptables -A INPUT -p tcp --dport 990 -j ACCEPT\n', 1],
    ['fw.sh', 'IPT=/sbin/iptables\n$IPT -A INPUT -p tcp --dport 990 -j ACCEPT\n', 1],
    ['fw.sh', '#!/bin/sh\nsudo ip6tables -P INPUT DROP\n', 0],
  ];
  it.each(cases)('%s is an iptables script and its commands are read', (file, text, rules) => {
    expect(classify(file, Buffer.from(text), true)?.kind).toBe('iptables-script');
    const { model, diagnostics } = parseIptablesScript(file, text);
    expect(diagnostics).toEqual([]);
    expect(model.tables.flatMap((t) => t.chains).flatMap((c) => c.rules)).toHaveLength(rules);
  });

  it('leaves fail2ban actions and documentation alone', () => {
    expect(classify('fail2ban/action.d/ipt.conf', Buffer.from('[Definition]\nactionstart = iptables -N f2b-<name>\n'), true)?.kind).not.toBe('iptables-script');
    expect(classify('docs/firewall.md', Buffer.from('Run `iptables -A INPUT -p tcp --dport 990 -j ACCEPT`\n'), true)).toBeUndefined();
  });
});
