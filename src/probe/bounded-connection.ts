import net from 'node:net';

/**
 * A TCP connection whose every read is bounded in bytes and in time. A hostile server
 * (megabyte banner, endless multi-line reply, accept-and-never-speak) can cost us at most
 * `maxBytes` of memory and `deadline - now` of time per read; then the read fails with a
 * typed reason that becomes an observation, never a crash.
 */
export type ConnectFailure = 'refused' | 'unresolvable' | 'timeout' | 'unreachable' | 'reset' | 'error';

export class ConnectError extends Error {
  constructor(public readonly reason: ConnectFailure, message: string) {
    super(message);
  }
}

export type ReadFailure = 'timeout' | 'closed' | 'reset' | 'overflow';

export class ReadError extends Error {
  constructor(public readonly reason: ReadFailure, message: string, public readonly partial: Buffer) {
    super(message);
  }
}

/** Parses what has arrived; returns the number of bytes consumed and a value, or null for "need more". */
export type Framer<T> = (buf: Buffer, closed: boolean) => { consumed: number; value: T } | null;

export class BoundedConnection {
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;
  private resetSeen = false;
  private wake: (() => void) | null = null;
  private detached = false;
  /** Total bytes received over the connection's life (for the flood bound). */
  private received = 0;

  private constructor(readonly socket: net.Socket, private readonly maxBytes: number) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** Bound reads on an already connected socket (e.g. a TLSSocket after the handshake). */
  static wrap(socket: net.Socket, maxBytes = 1 << 20): BoundedConnection {
    return new BoundedConnection(socket, maxBytes);
  }

  static connect(host: string, port: number, timeoutMs: number, maxBytes = 1 << 20): Promise<BoundedConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError('timeout', `no TCP answer from ${host}:${port} within ${timeoutMs} ms (filtered?)`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new BoundedConnection(socket, maxBytes));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const code = err.code ?? '';
        const reason: ConnectFailure =
          code === 'ECONNREFUSED' ? 'refused'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unresolvable'
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'unreachable'
          : code === 'ECONNRESET' ? 'reset'
          : 'error';
        reject(new ConnectError(reason, `${host}:${port}: ${code || err.message}`));
      });
    });
  }

  private onData = (chunk: Buffer): void => {
    this.received += chunk.length;
    // Keep at most maxBytes buffered; beyond that the peer is flooding us.
    if (this.buf.length + chunk.length > this.maxBytes) {
      const room = Math.max(0, this.maxBytes - this.buf.length);
      this.buf = Buffer.concat([this.buf, chunk.subarray(0, room)]);
      this.socket.pause();
    } else {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    }
    this.notify();
  };
  private onEnd = (): void => {
    this.closed = true;
    this.notify();
  };
  private onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this.resetSeen = true;
    this.closed = true;
    this.notify();
  };
  private notify(): void {
    const w = this.wake;
    this.wake = null;
    if (w) w();
  }

  get isClosed(): boolean {
    return this.closed;
  }
  get wasReset(): boolean {
    return this.resetSeen;
  }
  get bytesReceived(): number {
    return this.received;
  }
  /** Bytes received and not yet consumed by a framer. */
  pending(): Buffer {
    return this.buf;
  }

  write(data: Buffer | string): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(data);
  }

  /**
   * Wait until `framer` recognises a complete unit in the buffer, the peer closes, the
   * buffer exceeds maxBytes, or the deadline (epoch ms) passes.
   */
  async read<T>(framer: Framer<T>, deadline: number): Promise<T> {
    for (;;) {
      const got = framer(this.buf, this.closed);
      if (got) {
        this.buf = this.buf.subarray(got.consumed);
        return got.value;
      }
      if (this.buf.length >= this.maxBytes) {
        throw new ReadError('overflow', `peer sent more than ${this.maxBytes} bytes without a complete message`, this.buf);
      }
      if (this.closed) {
        throw new ReadError(this.resetSeen ? 'reset' : 'closed', this.resetSeen ? 'connection reset by peer' : 'connection closed by peer', this.buf);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ReadError('timeout', 'timed out waiting for the server', this.buf);
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          if (this.wake === done) this.wake = null;
          resolve();
        }, remaining);
        const done = (): void => {
          clearTimeout(t);
          resolve();
        };
        this.wake = done;
      });
    }
  }

  /** Wait until the peer closes or the deadline passes; returns what arrived meanwhile (bounded). */
  async drainUntilClose(deadline: number): Promise<Buffer> {
    try {
      await this.read((_b, closed) => (closed ? { consumed: 0, value: true } : null), deadline);
    } catch {
      /* timeout or overflow: return what we have */
    }
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    return out;
  }

  /** Hand the raw socket to another layer (tls.connect); unread bytes would be lost, so there must be none. */
  detach(): net.Socket {
    if (this.buf.length > 0) throw new Error(`cannot hand over a socket with ${this.buf.length} unread bytes`);
    this.detached = true;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    // Keep an error listener so an RST after hand-over cannot crash the process.
    this.socket.on('error', () => undefined);
    return this.socket;
  }

  close(): void {
    if (!this.detached) this.socket.destroy();
  }
}
