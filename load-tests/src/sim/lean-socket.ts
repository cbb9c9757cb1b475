import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

/** What SocketLink needs of a socket: socket.io-client's Socket has it, and so does LeanSocket. */
export interface LinkSocket {
  readonly connected: boolean;
  connect(): unknown;
  disconnect(): unknown;
  close(): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(): unknown;
  emit(event: string, payload: unknown, ack: (answer: unknown) => void): unknown;
}

/**
 * A minimal socket.io client for the load generator's many bots: one namespace over a
 * WebSocket (Engine.IO v4, no polling, no binary, no reconnection: SocketLink owns that),
 * events in and acked events out. socket.io-client does the same through several layers of
 * emitters, a binary scan of every payload and a timer per ack; at 10,000 drivers that was
 * most of the generator's CPU per fix. Protocol: https://socket.io/docs/v4/socket-io-protocol/
 * and https://github.com/socketio/engine.io-protocol (packet types: engine 0 open, 1 close,
 * 2 ping, 3 pong, 4 message; socket.io 0 connect, 1 disconnect, 2 event, 3 ack, 4 connect error).
 * Events the server sends with an ack id of its own are delivered without acking them (the
 * server of this project sends none).
 */
export class LeanSocket extends EventEmitter implements LinkSocket {
  private ws?: WebSocket;
  private isConnected = false;
  private done = false;
  private nextAckId = 0;
  private readonly acks = new Map<number, (answer: unknown) => void>();
  private pingTimer?: NodeJS.Timeout;
  /** `/drivers,`: every packet of the namespace starts with it after its type. */
  private readonly nsp: string;

  constructor(
    private readonly baseUrl: string,
    namespace: string,
    private readonly auth: Record<string, unknown>,
  ) {
    super();
    this.nsp = namespace === '/' ? '' : `${namespace},`;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  connect(): this {
    if (this.ws) return this;
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.onFrame(data.toString());
    });
    ws.on('close', () => this.end('transport close'));
    ws.on('error', (error: Error) => this.end('transport error', error));
    return this;
  }

  /** Emits an event with an ack; dropped when not connected (SocketLink checks first). */
  override emit(event: string, payload?: unknown, ack?: (answer: unknown) => void): boolean {
    if (!this.isConnected || !this.ws) return false;
    let head = `42${this.nsp}`;
    if (ack) {
      const id = this.nextAckId++;
      this.acks.set(id, ack);
      head += id;
    }
    this.ws.send(head + JSON.stringify(payload === undefined ? [event] : [event, payload]));
    return true;
  }

  disconnect(): this {
    if (this.isConnected) this.ws?.send(`41${this.nsp}`);
    this.end('io client disconnect');
    return this;
  }

  close(): this {
    return this.disconnect();
  }

  private onFrame(frame: string): void {
    switch (frame.charCodeAt(0)) {
      case 0x30: // open: {"sid","pingInterval","pingTimeout",...}; then the namespace's connect
        this.onOpen(JSON.parse(frame.slice(1)) as { pingInterval: number; pingTimeout: number });
        return;
      case 0x32: // ping
        this.ws?.send('3');
        this.pingTimer?.refresh();
        return;
      case 0x31: // close
        this.end('transport close');
        return;
      case 0x34: // message: a socket.io packet
        this.onPacket(frame);
        return;
    }
  }

  private onOpen(open: { pingInterval: number; pingTimeout: number }): void {
    // No ping for pingInterval + pingTimeout: the server is gone (socket.io-client's "ping timeout").
    this.pingTimer = setTimeout(() => this.end('ping timeout'), open.pingInterval + open.pingTimeout);
    this.pingTimer.unref();
    this.ws?.send(`40${this.nsp}${JSON.stringify(this.auth)}`);
  }

  private onPacket(frame: string): void {
    const type = frame.charCodeAt(1);
    if (!frame.startsWith(this.nsp, 2)) return; // another namespace's
    let i = 2 + this.nsp.length;
    let id = -1;
    while (i < frame.length && frame.charCodeAt(i) >= 0x30 && frame.charCodeAt(i) <= 0x39) {
      id = (id < 0 ? 0 : id * 10) + frame.charCodeAt(i) - 0x30;
      i++;
    }
    const body = i < frame.length ? JSON.parse(frame.slice(i)) : undefined;
    switch (type) {
      case 0x32: {
        // event: [name, ...args]
        const [event, ...args] = body as [string, ...unknown[]];
        super.emit(event, ...args);
        return;
      }
      case 0x33: {
        // ack: [answer]
        const ack = this.acks.get(id);
        if (!ack) return;
        this.acks.delete(id);
        ack((body as unknown[])[0]);
        return;
      }
      case 0x30:
        this.isConnected = true;
        super.emit('connect');
        return;
      case 0x34: {
        const refusal = (body ?? {}) as { message?: string; data?: unknown };
        const error = Object.assign(new Error(refusal.message ?? 'connect error'), { data: refusal.data });
        this.done = true;
        this.clear();
        super.emit('connect_error', error);
        return;
      }
      case 0x31:
        this.end('io server disconnect');
        return;
    }
  }

  /** The socket is over: 'disconnect' with the reason if it was connected, else 'connect_error'. */
  private end(reason: string, error?: Error): void {
    if (this.done) return;
    this.done = true;
    const wasConnected = this.isConnected;
    this.clear();
    if (wasConnected) super.emit('disconnect', reason);
    else super.emit('connect_error', error ?? new Error(reason));
  }

  private clear(): void {
    this.isConnected = false;
    this.acks.clear();
    if (this.pingTimer) clearTimeout(this.pingTimer);
    const ws = this.ws;
    if (ws?.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws?.readyState === WebSocket.OPEN) ws.close();
  }
}
