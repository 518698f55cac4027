import { describe, expect, it } from 'vitest';
import { LineTable } from './line-table.js';
import { parseVsftpdConf } from './index.js';

describe('LineTable', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  const entry = (text: string, n = 0) => ({ bytes: new Uint8Array(bytes(text)), n });

  it('finds a line by its bytes at any offset, and only that exact line', () => {
    const t = new LineTable<{ bytes: Uint8Array; n: number }>(4);
    const file = bytes('x\nssl_enable=YES\nssl_enable=YE\n');
    const h = LineTable.hash(file, 2, 16);
    expect(LineTable.hash(bytes('ssl_enable=YES'), 0, 14)).toBe(h);
    expect(t.find(file, 2, 16, h)).toBeUndefined();
    t.add(h, entry('ssl_enable=YES', 1));
    expect(t.find(file, 2, 16, h)?.n).toBe(1);
    expect(t.find(bytes('ssl_enable=YES'), 0, 14, h)?.n).toBe(1);
    // A prefix, or another line that happened to share the hash, is not the line.
    expect(t.find(file, 17, 30, LineTable.hash(file, 17, 30))).toBeUndefined();
    expect(t.find(bytes('ssl_enable=NO!'), 0, 14, h)).toBeUndefined();
    t.add(h, entry('ssl_enable=NO!', 2));
    expect(t.find(bytes('ssl_enable=NO!'), 0, 14, h)?.n).toBe(2);
    expect(t.find(file, 2, 16, h)?.n).toBe(1);
    expect(t.find(bytes('ssl_enable=YES!'), 0, 14, h)?.n).toBe(1);
    expect(t.find(bytes('ssl_enable=YES!'), 0, 15, h)).toBeUndefined();
  });

  it('looks at no more than 16 slots for lines that share a hash', () => {
    const t = new LineTable<{ bytes: Uint8Array; n: number }>(10);
    const lines = Array.from({ length: 20 }, (_, i) => `same_hash_${String(i).padStart(2, '0')}`);
    // All given one hash, as lines made to collide would be.
    lines.forEach((l, i) => t.add(7, entry(l, i)));
    const found = lines.map((l) => t.find(bytes(l), 0, l.length, 7)?.n);
    expect(found).toEqual([...Array.from({ length: 16 }, (_, i) => i), undefined, undefined, undefined, undefined]);
  });

  it('stops adding at half its slots', () => {
    const t = new LineTable<{ bytes: Uint8Array }>(3);
    const lines = Array.from({ length: 6 }, (_, i) => `line${i}`);
    for (const l of lines) t.add(LineTable.hash(bytes(l), 0, l.length), entry(l));
    const found = lines.filter((l) => t.find(bytes(l), 0, l.length, LineTable.hash(bytes(l), 0, l.length)));
    expect(found).toEqual(lines.slice(0, 4));
    expect(t.full).toBe(true);
    expect(new LineTable<{ bytes: Uint8Array }>(3).full).toBe(false);
  });
});

// Lines are shared between files and parses: what a line says must still be the build's
// own reading, and each file keeps its own locations.
describe('setting lines met before', () => {
  const text = 'ssl_tlsv1_2=YES\nftpd_banner=hi \r\npasv_min_port=40000\n';

  it('are read per build, whichever build met them first', () => {
    for (const order of [
      ['rhel', 'debian', 'upstream'],
      ['upstream', 'debian', 'rhel'],
    ] as const) {
      const byFlavor = Object.fromEntries(order.map((f) => [f, parseVsftpdConf(text, `${f}.conf`, f)]));
      expect(byFlavor.rhel!.effective('ssl_tlsv1_2')?.value).toBe(true);
      expect(byFlavor.debian!.effective('ssl_tlsv1_2')).toBeUndefined();
      expect(byFlavor.debian!.issues.map((i) => i.code)).toContain('unknown-option');
      expect(byFlavor.rhel!.issues.map((i) => i.code)).not.toContain('unknown-option');
      // Debian and Red Hat trim string values; upstream keeps the blank and the CR.
      expect(byFlavor.debian!.effective('ftpd_banner')?.value).toBe('hi');
      expect(byFlavor.upstream!.effective('ftpd_banner')?.value).toBe('hi \r');
    }
  });

  it('leave each config its own effective values, asked in turn as rules do', () => {
    const rhel = parseVsftpdConf('ssl_tlsv1_2=YES\nmax_per_ip=5\n', 'r.conf', 'rhel');
    const debian = parseVsftpdConf('max_per_ip=7\n', 'd.conf', 'debian');
    for (let round = 0; round < 2; round++) {
      for (const option of ['ssl_tlsv1_2', 'max_per_ip', 'no_such_option']) {
        expect([rhel.effective(option)?.value, debian.effective(option)?.value]).toEqual(
          { ssl_tlsv1_2: [true, undefined], max_per_ip: [5, 7], no_such_option: [undefined, undefined] }[option],
        );
      }
    }
    // The model's data, as own properties (effective() is the model's method).
    expect(Object.keys(rhel)).toEqual(['file', 'flavor', 'directives', 'issues', 'refusesToStart', 'inlineWaivers']);
    expect(JSON.parse(JSON.stringify(debian))).toMatchObject({ file: 'd.conf', flavor: 'debian', refusesToStart: false });
  });

  it('longer than the table keeps are read on their own, the same way', () => {
    const banner = `ftpd_banner=${'w'.repeat(300)}`;
    for (const file of ['a.conf', 'b.conf']) {
      const c = parseVsftpdConf(`${banner}\nmax_per_ip=0x\n${banner} \n`, file, 'debian');
      expect(c.directives.map((d) => d.text)).toEqual([banner, 'max_per_ip=0x', `${banner} `]);
      expect(c.effective('ftpd_banner')?.value).toBe('w'.repeat(300));
      expect(c.effective('ftpd_banner')?.directive?.location).toEqual({ file, line: 3, column: 1, endLine: 3, endColumn: 314 });
      expect(c.issues.map((i) => i.code).sort()).toEqual(['duplicate', 'numeric-junk']);
    }
  });

  it('met once the table is full are read for their file alone, the same way', () => {
    // 18,000 new lines (the table keeps 16,384 per build), in files under vsftpd's size cap.
    for (let f = 0; f < 4; f++) {
      const lines = Array.from({ length: 4500 }, (_, i) => `ftpd_banner=fill ${f}-${i}`);
      parseVsftpdConf(`${lines.join('\n')}\n`, `fill${f}.conf`, 'upstream');
    }
    for (const file of ['late-a.conf', 'late-b.conf']) {
      const c = parseVsftpdConf('ftpd_banner=late line\nmax_per_ip=07\nssl_enable=YES \n', file, 'upstream');
      expect(c.directives.map((d) => d.text)).toEqual(['ftpd_banner=late line', 'max_per_ip=07', 'ssl_enable=YES ']);
      expect(c.effective('ftpd_banner')?.value).toBe('late line');
      expect(c.effective('max_per_ip')?.value).toBe(7);
      expect(c.effective('ftpd_banner')?.directive?.location).toEqual({ file, line: 1, column: 1, endLine: 1, endColumn: 22 });
      expect(c.issues.map((i) => i.code)).toEqual(['bad-bool']);
    }
  });

  it('give each file its own locations and the same text', () => {
    const a = parseVsftpdConf('pasv_min_port=40000\n', 'a.conf', 'debian');
    const b = parseVsftpdConf('# x\n  pasv_min_port=40000\n', 'b.conf', 'debian');
    const c = parseVsftpdConf('pasv_min_port=40000\n', 'c.conf', 'debian');
    expect(a.directives[0]).toEqual({ name: 'pasv_min_port', rawValue: '40000', text: 'pasv_min_port=40000', location: { file: 'a.conf', line: 1, column: 1, endLine: 1, endColumn: 20 }, valueColumn: 15 });
    expect(b.directives[0]).toEqual({ name: 'pasv_min_port', rawValue: '40000', text: '  pasv_min_port=40000', location: { file: 'b.conf', line: 2, column: 3, endLine: 2, endColumn: 22 }, valueColumn: 17 });
    expect(c.directives[0]!.location).toEqual({ ...a.directives[0]!.location, file: 'c.conf' });
    expect(c.directives[0]!.location).not.toBe(a.directives[0]!.location);
    expect(c.effective('pasv_min_port')).toEqual({ option: 'pasv_min_port', type: 'uint', value: 40000, source: 'explicit', flavor: 'debian', directive: c.directives[0] });
    expect(a.effective('pasv_min_port')?.directive).toBe(a.directives[0]);
  });
});
