import { io, Socket } from 'socket.io-client';

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
  /** Reconnect after a drop (the demo rides out a server restart); load runs count drops instead. */
  reconnect?: boolean;
  ackTimeoutMs?: number;
}

/** A socket.io connection to one namespace with the member's token, and acked calls as promises. */
export class SocketLink {
  readonly socket: Socket;
  private readonly ackTimeoutMs: number;

  constructor(baseUrl: string, namespace: '/drivers' | '/riders', token: string, options: LinkOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.socket = io(baseUrl + namespace, {
      auth: { token },
      transports: ['websocket'],
      reconnection: options.reconnect ?? false,
      autoConnect: false,
    });
  }

  /** Connects; rejects with the server's refusal. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', fail);
        resolve();
      };
      const fail = (error: Error) => {
        this.socket.off('connect', ok);
        reject(error);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
      this.socket.connect();
    });
  }

  /** Emits an event and resolves with the ack's fields; a refusal or a timeout throws `AckError`. */
  async call<T extends object = Record<string, unknown>>(event: string, payload: unknown): Promise<T> {
    let ack: any;
    try {
      ack = await this.socket.timeout(this.ackTimeoutMs).emitWithAck(event, payload);
    } catch (error) {
      // socket.io-client rejects pending acks at once when the socket disconnects.
      if (!this.socket.connected) throw new AckError('DISCONNECTED', `${event}: ${(error as Error).message}`);
      throw new AckError('ACK_TIMEOUT', `${event}: no ack within ${this.ackTimeoutMs} ms`);
    }
    if (ack?.ok === true) return ack as T;
    throw new AckError(ack?.error?.code ?? 'BAD_ACK', `${event}: ${ack?.error?.message ?? JSON.stringify(ack)}`);
  }

  on(event: string, listener: (payload: any) => void): void {
    this.socket.on(event, listener);
  }

  close(): void {
    this.socket.disconnect();
  }
}
