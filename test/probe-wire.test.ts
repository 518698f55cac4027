/**
 * The probe's framing and parsing pieces on exact bytes: FTP replies (bounds), TLS records
 * (garbage), handshake reassembly (fragmented and coalesced messages), ServerHello/HRR
 * parsing, target syntax. No network.
 */
import { describe, expect, it } from 'vitest';
import { buildClientHello, buildSsl2ClientHello } from '../src/probe/client-hello.js';
import { ftpReplyFramer, FtpReplyError, MAX_REPLY_LINES, parseEpsv, parsePasv } from '../src/probe/ftp-reply.js';
import { parseServerHello } from '../src/probe/server-flight.js';
import { parseTarget, parseTargetsFile, TargetSyntaxError } from '../src/probe/targets.js';
import { GarbageRecordError, HandshakeReassembler, HRR_RANDOM, tlsRecordFramer } from '../src/probe/tls-wire.js';
import { leakedErrorStrings } from '../src/probe/tls-scan.js';
import { versionStrings } from '../src/probe/ftp-checks.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('FTP reply framing', () => {
  it('single and multi-line replies; incomplete waits', () => {
    expect(ftpReplyFramer(b('220 hi\r\n'), false)?.value).toEqual({ code: 220, lines: ['220 hi'] });
    expect(ftpReplyFramer(b('211-Features:\r\n AUTH TLS\r\n211 End\r\nextra'), false)).toEqual({ consumed: 35, value: { code: 211, lines: ['211-Features:', ' AUTH TLS', '211 End'] } });
    expect(ftpReplyFramer(b('211-Features:\r\n AUTH TLS\r\n'), false)).toBeNull();
  });
  it('throws on a line over the bound, an endless multi-line reply, and non-FTP text', () => {
    expect(() => ftpReplyFramer(Buffer.alloc(10_000, 0x41), false)).toThrow(FtpReplyError);
    const endless = '220-x\r\n' + '220-more\r\n'.repeat(MAX_REPLY_LINES + 1);
    expect(() => ftpReplyFramer(b(endless), false)).toThrow(/multi-line reply longer/);
    expect(() => ftpReplyFramer(b('SSH-2.0-OpenSSH\r\n'), false)).toThrow(/not an FTP reply/);
  });
  it('PASV and EPSV', () => {
    expect(parsePasv({ code: 227, lines: ['227 Entering Passive Mode (10,1,2,3,21,121).'] })).toEqual({ address: '10.1.2.3', port: 21 * 256 + 121 });
    expect(parsePasv({ code: 227, lines: ['227 (300,1,2,3,4,5)'] })).toBeNull();
    expect(parseEpsv({ code: 229, lines: ['229 Entering Extended Passive Mode (|||5193|)'] })).toBe(5193);
  });
});

describe('TLS records and handshake messages', () => {
  it('garbage record headers are rejected, not waited on', () => {
    expect(() => tlsRecordFramer(b('220 hello\r\n'), false)).toThrow(GarbageRecordError);
    expect(() => tlsRecordFramer(Buffer.from([22, 3, 3, 0xff, 0xff]), false)).toThrow(GarbageRecordError);
    expect(tlsRecordFramer(Buffer.from([22, 3, 1, 0, 4, 1]), false)).toBeNull();
  });
  it('reassembles a message split over records and splits records carrying several', () => {
    const r = new HandshakeReassembler();
    const m1 = Buffer.from([2, 0, 0, 3, 0xaa, 0xbb, 0xcc]);
    const m2 = Buffer.from([14, 0, 0, 0]);
    const all = Buffer.concat([m1, m2]);
    const got = [...r.push(all.subarray(0, 2)), ...r.push(all.subarray(2, 9)), ...r.push(all.subarray(9))];
    expect(got.map((m) => [m.type, m.body.toString('hex')])).toEqual([[2, 'aabbcc'], [14, '']]);
  });
  it('ServerHello and HelloRetryRequest (supported_versions, key_share, renegotiation_info)', () => {
    const ext = Buffer.from([0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17, 0xff, 0x01, 0x00, 0x01, 0x00]);
    const body = Buffer.concat([Buffer.from([3, 3]), HRR_RANDOM, Buffer.from([0]), Buffer.from([0x13, 0x02, 0]), Buffer.from([0, ext.length]), ext]);
    const sh = parseServerHello(body);
    expect(sh).toMatchObject({ protocol: 'TLSv1.3', suite: 0x1302, helloRetry: true, group: 23, secureRenegotiation: true });
  });
  it('ClientHellos: SSLv2 has the 2-byte header; SSLv3 has no extensions; TLS 1.3 offers only 1.3', () => {
    const v2 = buildSsl2ClientHello([0x010080, 0x0700c0]);
    expect(v2[0]! & 0x80).toBe(0x80);
    expect(((v2[0]! & 0x7f) << 8) | v2[1]!).toBe(v2.length - 2);
    expect(v2[2]).toBe(1);
    const v3 = buildClientHello({ protocol: 'SSLv3', suites: [0x000a], groups: [23], secureRenegotiation: true });
    expect(v3.subarray(0, 3)).toEqual(Buffer.from([22, 3, 0]));
    // body: type(1) len(3) version(2) random(32) sid(1) suites(2+4: 0x000a + SCSV) compression(2) and nothing else
    expect(v3.length).toBe(5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
    const t13 = buildClientHello({ protocol: 'TLSv1.3', suites: [0x1301], groups: [29], x25519Share: true });
    expect(t13.includes(Buffer.from([0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04]))).toBe(true);
  });
});

describe('targets and text facts', () => {
  it('parses targets; default ports 21 and 990; credentials in a URL are refused', () => {
    expect(parseTarget('ftp.example.org')).toEqual([{ host: 'ftp.example.org', port: 21 }, { host: 'ftp.example.org', port: 990 }]);
    expect(parseTarget('ftps://10.0.0.5:2121/')).toEqual([{ host: '10.0.0.5', port: 2121 }]);
    expect(parseTarget('[::1]:990')).toEqual([{ host: '::1', port: 990 }]);
    expect(() => parseTarget('ftp://bob:hunter2@host')).toThrow(TargetSyntaxError);
    expect(() => parseTarget('host:70000')).toThrow(TargetSyntaxError);
    expect(parseTargetsFile('# list\nhost-a:21  # main\n\nbad host\n')).toEqual({ targets: [{ host: 'host-a', port: 21 }], errors: ['line 4: not a host name or address: "bad host"'] });
  });
  it('finds versions and OpenSSL error strings', () => {
    expect(versionStrings('220 (vsFTPd 3.0.3)\n211 ProFTPD 1.3.8 Server')).toEqual(['vsFTPd 3.0.3', 'ProFTPD 1.3.8']);
    expect(versionStrings('220 FTP ready.')).toEqual([]);
    expect(leakedErrorStrings(['500 OOPS: error:0A0000C1:SSL routines::no shared cipher\\r\\n', undefined])).toEqual(['500 OOPS: error:0A0000C1:SSL routines::no shared cipher']);
  });
});
