// A minimal socket.io client over k6's WebSocket, with the Engine.IO v4 and Socket.IO v5
// framing done by hand (https://socket.io/docs/v4/engine-io-protocol/ and
// https://socket.io/docs/v4/socket-io-protocol/): "0" open, "2"/"3" ping/pong, "40" connect
// to a namespace with auth, "42" event, "43" ack, "44" connect error.
import { WebSocket } from 'k6/websockets';

export interface SocketIoOptions {
  baseUrl: string;
  namespace: string;
  token: string;
  onConnect: () => void;
  onEvent: (event: string, payload: any) => void;
  onError: (message: string) => void;
}

export class SocketIo {
  private readonly ws: WebSocket;
  private nextAckId = 0;
  private readonly acks = new Map<number, (payload: any) => void>();

  constructor(private readonly o: SocketIoOptions) {
    this.ws = new WebSocket(`${o.baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    this.ws.onmessage = (e) => this.frame(String(e?.data));
    this.ws.onerror = (e) => o.onError(String((e as { error?: string } | undefined)?.error ?? 'websocket error'));
  }

  /** Sends an event; `ack` gets the server's acknowledgement. */
  emit(event: string, payload: unknown, ack?: (reply: any) => void): void {
    let id = '';
    if (ack) {
      const n = this.nextAckId++;
      this.acks.set(n, ack);
      id = String(n);
    }
    this.ws.send(`42${this.o.namespace},${id}${JSON.stringify([event, payload])}`);
  }

  close(): void {
    this.ws.close();
  }

  private frame(text: string): void {
    if (text.startsWith('0')) {
      this.ws.send(`40${this.o.namespace},${JSON.stringify({ token: this.o.token })}`);
      return;
    }
    if (text === '2') {
      this.ws.send('3');
      return;
    }
    if (!text.startsWith('4')) return;
    const type = text[1];
    let rest = text.slice(2);
    if (rest.startsWith('/')) {
      const comma = rest.indexOf(',');
      if (rest.slice(0, comma) !== this.o.namespace) return;
      rest = rest.slice(comma + 1);
    }
    const digits = /^\d*/.exec(rest)![0];
    const data = rest.length > digits.length ? JSON.parse(rest.slice(digits.length)) : undefined;
    switch (type) {
      case '0':
        this.o.onConnect();
        break;
      case '4':
        this.o.onError(`connect refused: ${JSON.stringify(data)}`);
        break;
      case '2':
        this.o.onEvent(data[0], data[1]);
        break;
      case '3': {
        const ack = this.acks.get(Number(digits));
        this.acks.delete(Number(digits));
        ack?.(data?.[0]);
        break;
      }
    }
  }
}
