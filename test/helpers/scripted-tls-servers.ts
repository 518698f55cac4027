/**
 * Small scripted servers for the probe tests, on 127.0.0.1 with an ephemeral port:
 *
 *  - a TLS responder that speaks just enough SSLv3/TLS ≤ 1.2 to answer a ClientHello with
 *    ServerHello + Certificate + ServerHelloDone, from a configured set of versions and suites,
 *    optionally fragmented into tiny records and TCP writes; it logs what it accepted (the
 *    reference for SSLv3, which no Debian client or server still speaks);
 *  - an SSLv2 responder (2-byte header SERVER-HELLO listing the shared cipher kinds);
 *  - hostile servers: megabyte banner, endless multi-line reply, garbage after AUTH TLS,
 *    reset mid-handshake, accept-and-never-speak.
 *
 * Each can sit behind an FTP explicit front (220, AUTH TLS → 234) or be implicit.
 * Every socket is tracked and destroyed on close().
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export interface AcceptedHello {
  version: number;
  suite: number;
}

/** A self-signed RSA certificate in DER (openssl CLI), for scripted Certificate messages. */
export function selfSignedDer(cn = 'scripted.test'): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scripted-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-outform', 'DER', '-out', path.join(dir, 'c.der'), '-days', '30', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
    return readFileSync(path.join(dir, 'c.der'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(handler: (s: net.Socket) => void): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    handler(s);
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () => new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
      });
    });
  });
}

/** Explicit FTP front: greet, answer commands until AUTH TLS, then hand the socket over. */
function ftpFront(s: net.Socket, onTls: (s: net.Socket, rest: Buffer) => void): void {
  s.write('220 scripted FTPS test server\r\n');
  let buf = Buffer.alloc(0);
  const onData = (d: Buffer): void => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) return;
      const line = buf.subarray(0, nl).toString('latin1').trim();
      buf = buf.subarray(nl + 1);
      if (/^AUTH (TLS|SSL)$/i.test(line)) {
        s.write('234 Proceed with negotiation.\r\n');
        s.off('data', onData);
        onTls(s, buf);
        return;
      }
      if (/^USER /i.test(line)) s.write('530 Non-anonymous sessions must use encryption.\r\n');
      else if (/^FEAT/i.test(line)) s.write('211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End\r\n');
      else if (/^QUIT/i.test(line)) { s.end('221 Goodbye.\r\n'); return; }
      else s.write('500 Unknown command.\r\n');
    }
  };
  s.on('data', onData);
}

/** Collect bytes until `need(buf)` returns a length, then call back with the first message. */
function readUntil(s: net.Socket, first: Buffer, need: (b: Buffer) => number | null, cb: (msg: Buffer) => void): void {
  let buf = first;
  const check = (): boolean => {
    const n = need(buf);
    if (n === null || buf.length < n) return false;
    s.off('data', onData);
    cb(buf.subarray(0, n));
    return true;
  };
  const onData = (d: Buffer): void => {
    buf = Buffer.concat([buf, d]);
    check();
  };
  if (!check()) s.on('data', onData);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

export interface ScriptedTlsOptions {
  mode: 'explicit' | 'implicit';
  /** Wire versions accepted (0x0300 = SSLv3 … 0x0303 = TLS 1.2). */
  versions: number[];
  /** Suites in server preference order. */
  suites: number[];
  /** SSLv2 cipher kinds accepted (3-byte codes); empty = SSLv2 refused. */
  ssl2Kinds?: number[];
  certDer: Buffer;
  /** Split the server flight into records of at most this many bytes (handshake fragmentation). */
  recordSize?: number;
  /** Write the flight to TCP in chunks of this many bytes, with a pause between them. */
  tcpChunk?: number;
  /**
   * Negotiate the heartbeat extension; 'vulnerable' then answers an over-length heartbeat
   * request with payload_length bytes of (fake) memory, as OpenSSL 1.0.1–1.0.1f did;
   * 'patched' discards it silently (RFC 6520 §4).
   */
  heartbeat?: 'vulnerable' | 'patched';
  /**
   * Early ChangeCipherSpec (CVE-2014-0224): 'vulnerable' accepts it silently and then fails the
   * MAC of the next record (bad_record_mac), as OpenSSL before 1.0.1h did; 'patched' answers
   * unexpected_message at once.
   */
  ccs?: 'vulnerable' | 'patched';
}

export interface ScriptedTlsServer extends RunningServer {
  accepted: AcceptedHello[];
  acceptedSsl2: number[][];
  /** payload_length of every heartbeat request received. */
  heartbeats: number[];
  /** One entry per early ChangeCipherSpec received. */
  ccsSeen: string[];
}

/**
 * Answers one hello per connection, like a real server that then waits for the client's
 * key exchange (the probe never sends one). Refusals are an alert, then vsftpd-style
 * clear text "500 OOPS: …", then close.
 */
export async function startScriptedTls(o: ScriptedTlsOptions): Promise<ScriptedTlsServer> {
  const accepted: AcceptedHello[] = [];
  const acceptedSsl2: number[][] = [];
  const heartbeats: number[] = [];
  const ccsSeen: string[] = [];
  const refuse = (s: net.Socket, version: number, alert: number, why: string): void => {
    s.write(Buffer.concat([Buffer.from([21]), u16(version >= 0x0300 ? version : 0x0301), u16(2), Buffer.from([2, alert])]));
    s.end(`500 OOPS: error:0A0000C1:SSL routines::${why}\r\n`);
  };
  const sendFlight = (s: net.Socket, version: number, handshake: Buffer): void => {
    const size = o.recordSize ?? 16384;
    const records: Buffer[] = [];
    for (let i = 0; i < handshake.length; i += size) {
      const part = handshake.subarray(i, i + size);
      records.push(Buffer.concat([Buffer.from([22]), u16(version), u16(part.length), part]));
    }
    const bytes = Buffer.concat(records);
    if (!o.tcpChunk) {
      s.write(bytes);
      return;
    }
    let i = 0;
    const step = (): void => {
      if (s.destroyed || i >= bytes.length) return;
      s.write(bytes.subarray(i, i + o.tcpChunk!));
      i += o.tcpChunk!;
      setTimeout(step, 1);
    };
    step();
  };
  const onHello = (s: net.Socket, first: Buffer): void => {
    readUntil(s, first, (b) => {
      if (b.length < 2) return null;
      if (b[0]! & 0x80) return 2 + (((b[0]! & 0x7f) << 8) | b[1]!);
      if (b.length < 5) return null;
      return 5 + b.readUInt16BE(3);
    }, (msg) => {
      if (msg[0]! & 0x80) {
        // SSLv2 CLIENT-HELLO: type 1, version, cipher-spec length, session-id length, challenge length.
        const specLen = msg.readUInt16BE(5);
        const specs: number[] = [];
        for (let i = 0; i < specLen; i += 3) specs.push(msg.readUIntBE(11 + i, 3));
        const shared = (o.ssl2Kinds ?? []).filter((k) => specs.includes(k));
        if (shared.length === 0) return refuse(s, 0x0301, 70, 'unknown protocol');
        acceptedSsl2.push(shared);
        const cipherBytes = Buffer.concat(shared.map((k) => u24(k)));
        const connId = Buffer.alloc(16, 7);
        const body = Buffer.concat([Buffer.from([4, 0, 1]), u16(0x0002), u16(o.certDer.length), u16(cipherBytes.length), u16(connId.length), o.certDer, cipherBytes, connId]);
        s.write(Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]));
        return;
      }
      const hs = msg.subarray(5);
      if (msg[0] !== 22 || hs[0] !== 1) return refuse(s, 0x0301, 10, 'unexpected message');
      const body = hs.subarray(4);
      const clientVersion = body.readUInt16BE(0);
      let p = 2 + 32;
      p += 1 + body[p]!;
      const suitesLen = body.readUInt16BE(p);
      const offered: number[] = [];
      for (let i = 0; i < suitesLen; i += 2) offered.push(body.readUInt16BE(p + 2 + i));
      const max = Math.max(...o.versions);
      const version = Math.min(clientVersion, max);
      if (!o.versions.includes(version)) return refuse(s, version, 70, 'version too low');
      const suite = o.suites.find((c) => offered.includes(c));
      if (suite === undefined) return refuse(s, version, 40, 'no shared cipher');
      accepted.push({ version, suite });
      const exts = o.heartbeat ? Buffer.concat([u16(15), u16(1), Buffer.from([1])]) : Buffer.alloc(0);
      const sh = Buffer.concat([u16(version), Buffer.alloc(32, 1), Buffer.from([0]), u16(suite), Buffer.from([0]), ...(o.heartbeat ? [u16(exts.length), exts] : [])]);
      const certList = Buffer.concat([u24(o.certDer.length), o.certDer]);
      const cert = Buffer.concat([u24(certList.length), certList]);
      // Several handshake messages in one buffer; records split it wherever recordSize falls.
      const flight = Buffer.concat([
        Buffer.from([2]), u24(sh.length), sh,
        Buffer.from([11]), u24(cert.length), cert,
        Buffer.from([14]), u24(0),
      ]);
      sendFlight(s, version, flight);
      if (o.heartbeat || o.ccs) {
        let switched = false;
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          while (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
            const type = buf[0]!;
            const body = buf.subarray(5, 5 + buf.readUInt16BE(3));
            buf = buf.subarray(5 + body.length);
            if (type === 20 && o.ccs) {
              ccsSeen.push(o.ccs);
              if (o.ccs === 'patched') { s.end(Buffer.from([21, version >> 8, version & 0xff, 0, 2, 2, 10])); return; }
              switched = true;
              continue;
            }
            if (type === 22 && switched) { s.end(Buffer.from([21, version >> 8, version & 0xff, 0, 2, 2, 20])); return; }
            if (type !== 24 || body[0] !== 1) continue;
            const claimed = body.readUInt16BE(1);
            heartbeats.push(claimed);
            if (o.heartbeat === 'vulnerable' && claimed > body.length - 3) {
              const leak = Buffer.alloc(claimed, 0x5a); // stands for server memory
              const resp = Buffer.concat([Buffer.from([2]), u16(claimed), leak, Buffer.alloc(16)]);
              s.write(Buffer.concat([Buffer.from([24]), u16(version), u16(resp.length), resp]));
            }
          }
        });
      }
    });
  };
  const srv = await listen((s) => {
    if (o.mode === 'explicit') ftpFront(s, onHello);
    else onHello(s, Buffer.alloc(0));
  });
  return Object.assign(srv, { accepted, acceptedSsl2, heartbeats, ccsSeen });
}

export type HostileBehaviour =
  | 'megabyte-banner'      // a 220 line of several megabytes, never terminated
  | 'endless-multiline'    // "220-" followed by continuation lines forever
  | 'garbage-after-auth'   // 234 to AUTH TLS, then random bytes instead of TLS
  | 'reset-mid-handshake'  // 234, read the ClientHello, then TCP RST
  | 'silent'               // accept, never send a byte
  | 'ssh-banner'           // another service on the port
  | 'cleartext-fallback';  // 234 to AUTH TLS, then keeps answering FTP commands in clear

export async function startHostile(behaviour: HostileBehaviour): Promise<RunningServer> {
  return listen((s) => {
    switch (behaviour) {
      case 'silent':
        return;
      case 'ssh-banner':
        s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
        return;
      case 'megabyte-banner': {
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        s.write('220 ');
        const pump = (): void => {
          while (!s.destroyed && sent < 8 * 1024 * 1024) {
            sent += chunk.length;
            if (!s.write(chunk)) return void s.once('drain', pump);
          }
        };
        pump();
        return;
      }
      case 'endless-multiline': {
        s.write('220-Welcome\r\n');
        const timer = setInterval(() => {
          if (s.destroyed) return clearInterval(timer);
          s.write('220-still welcoming you\r\n'.repeat(200));
        }, 1);
        s.on('close', () => clearInterval(timer));
        return;
      }
      case 'garbage-after-auth':
        ftpFront(s, (sock) => sock.once('data', () => sock.write(Buffer.from('7f0000ffee1234567890abcdef', 'hex'))));
        return;
      case 'cleartext-fallback':
        ftpFront(s, (sock) => sock.on('data', (d: Buffer) => {
          if (d[0] === 22) {
            sock.write(Buffer.from([21, 3, 1, 0, 2, 2, 40]));
            sock.end();
          } else if (/^USER /i.test(d.toString('latin1'))) sock.write('331 Please specify the password.\r\n');
          else sock.write('500 Unknown command.\r\n');
        }));
        return;
      case 'reset-mid-handshake':
        ftpFront(s, (sock) => sock.once('data', () => sock.resetAndDestroy()));
        return;
    }
  });
}
