import { io } from 'socket.io-client';
import { AckDeadlines, PendingAck, ackDeadlines } from './ack-deadlines';
import { LeanSocket, LinkSocket } from './lean-socket';

/** A socket event the server refused (`{ ok: false, error }`), or one that got no ack in time. */
export class AckError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LinkOptions {
  /**
   * Reconnect after a drop. With several URLs the link moves on to the next node of the list
   * (a node that died does not come back soon); with one it tries the same one again (the
   * demo rides out a server restart). Load runs on one node count drops instead.
   */
  reconnect?: boolean;
  ackTimeoutMs?: number;
  /** How long a reconnecting link keeps trying before it gives up and stays down. */
  reconnectForMs?: number;
  /** How long one connection attempt may take (a loaded server answers handshakes late). */
  connectTimeoutMs?: number;
  /** Use LeanSocket (a minimal client, much cheaper per message) instead of socket.io-client. */
  lean?: boolean;
}

/**
 * A socket.io connection to one namespace with the member's token, and acked calls as
 * promises. It owns its reconnection (socket.io-client's own retries only ever dial the same
 * URL): after a drop it dials the other nodes in turn, and re-attaches the event listeners
 * to the new socket.
 */
export class SocketLink {
  private current: LinkSocket;
  private urlIndex = 0;
  private closed = false;
  private reconnecting?: Promise<boolean>;
  private readonly urls: readonly string[];
  private readonly ackTimeoutMs: number;
  private readonly listeners: Array<[string, (payload: any) => void]> = [];
  private readonly dropListeners: Array<(reason: string) => void> = [];
  private readonly reconnectListeners: Array<(url: string) => void> = [];
  /** Calls waiting for their ack on the current socket: failed at once when it drops. */
  private readonly waiting = new Set<PendingAck>();
  private readonly deadlines: AckDeadlines;

  constructor(
    baseUrls: string | readonly string[],
    private readonly namespace: '/drivers' | '/riders',
    private readonly token: string,
    private readonly options: LinkOptions = {},
  ) {
    this.urls = typeof baseUrls === 'string' ? [baseUrls] : baseUrls;
    if (this.urls.length === 0) throw new Error('SocketLink needs at least one URL');
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.deadlines = ackDeadlines(this.ackTimeoutMs);
    this.current = this.open(this.urls[0]);
  }

  /** The socket in use now (a new one after each reconnection). */
  get socket(): LinkSocket {
    return this.current;
  }

  /** Base URL of the node this link is on now. */
  get url(): string {
    return this.urls[this.urlIndex];
  }

  get connected(): boolean {
    return this.current.connected;
  }

  /** Connects to the first URL; rejects with the server's refusal. */
  async connect(): Promise<void> {
    await this.attempt(this.current);
    this.adopt(this.current, 0);
  }

  /** Listens to a server event on this socket and on every later one. */
  on(event: string, listener: (payload: any) => void): void {
    this.listeners.push([event, listener]);
    this.current.on(event, listener);
  }

  /** Runs on every drop that the link did not ask for. */
  onDrop(listener: (reason: string) => void): void {
    this.dropListeners.push(listener);
  }

  /** Runs when the link is up again after a drop, with the URL of the node it reached. */
  onReconnect(listener: (url: string) => void): void {
    this.reconnectListeners.push(listener);
  }

  /**
   * Emits an event and resolves with the ack's fields; a refusal or a timeout throws
   * `AckError`. A call made while the link is reconnecting waits for it (within the ack
   * timeout); one in flight when the socket drops fails with DISCONNECTED, since the server
   * may or may not have acted on it.
   */
  async call<T extends object = Record<string, unknown>>(event: string, payload: unknown): Promise<T> {
    if (!this.current.connected && this.reconnecting) {
      const up = await Promise.race([this.reconnecting, new Promise<false>((r) => setTimeout(() => r(false), this.ackTimeoutMs).unref())]);
      if (!up) throw new AckError('DISCONNECTED', `${event}: not reconnected within ${this.ackTimeoutMs} ms`);
    }
    const socket = this.current;
    if (!socket.connected) throw new AckError('DISCONNECTED', `${event}: not connected`);
    // A plain ack callback, with the timeout kept by the process's one deadline sweep: socket.io's
    // own timeout() arms a timer per call, which at thousands of fixes a second is most of a call's cost.
    return new Promise<T>((resolve, reject) => {
      const pending: PendingAck = {
        settled: false,
        deadlineMs: Date.now() + this.ackTimeoutMs,
        fail: (code) => {
          pending.settled = true;
          this.waiting.delete(pending);
          reject(new AckError(code, code === 'ACK_TIMEOUT' ? `${event}: no ack within ${this.ackTimeoutMs} ms` : `${event}: disconnected before the ack`));
        },
      };
      socket.emit(event, payload, (ack: any) => {
        if (pending.settled) return; // answered after its timeout
        pending.settled = true;
        this.waiting.delete(pending);
        if (ack?.ok === true) resolve(ack as T);
        else reject(new AckError(ack?.error?.code ?? 'BAD_ACK', `${event}: ${ack?.error?.message ?? JSON.stringify(ack)}`));
      });
      this.waiting.add(pending);
      this.deadlines.add(pending);
    });
  }

  close(): void {
    this.closed = true;
    this.current.disconnect();
  }

  private open(url: string): LinkSocket {
    if (this.options.lean) return new LeanSocket(url, this.namespace, { token: this.token });
    return io(url + this.namespace, {
      auth: { token: this.token },
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
    });
  }

  /** Connects one socket; resolves once connected, rejects on refusal or after the connect timeout. */
  private attempt(socket: LinkSocket): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 20_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        socket.off('connect', ok);
        socket.off('connect_error', done);
        if (error) reject(error);
        else resolve();
      };
      const ok = () => done();
      socket.once('connect', ok);
      socket.once('connect_error', done);
      socket.connect();
    });
  }

  /** Makes a connected socket the link's, and watches it for a drop. */
  private adopt(socket: LinkSocket, urlIndex: number): void {
    this.current = socket;
    this.urlIndex = urlIndex;
    socket.once('disconnect', (reason) => {
      // The server may or may not have acted on the calls in flight: they fail as DISCONNECTED.
      for (const pending of [...this.waiting]) pending.fail('DISCONNECTED');
      if (this.closed || reason === 'io client disconnect') return;
      for (const l of this.dropListeners) l(reason);
      if (this.options.reconnect) this.reconnecting = this.reconnect().finally(() => (this.reconnecting = undefined));
    });
  }

  /** Dials the URLs in turn, starting with the one after the node that dropped us, with a capped backoff. */
  private async reconnect(): Promise<boolean> {
    const deadline = Date.now() + (this.options.reconnectForMs ?? 300_000);
    for (let attempt = 0; !this.closed && Date.now() < deadline; attempt++) {
      const index = (this.urlIndex + 1 + attempt) % this.urls.length;
      const socket = this.open(this.urls[index]);
      for (const [event, listener] of this.listeners) socket.on(event, listener);
      try {
        await this.attempt(socket);
      } catch {
        socket.removeAllListeners();
        socket.close();
        // A quick first retry (the next node is likely up), slower ones after, with jitter so
        // thousands of dropped bots do not all dial at the same instant.
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random())));
        continue;
      }
      if (this.closed) {
        socket.disconnect();
        return false;
      }
      this.adopt(socket, index);
      for (const l of this.reconnectListeners) l(this.urls[index]);
      return true;
    }
    return false;
  }
}
