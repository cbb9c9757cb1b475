import { Pool } from 'undici';

/** A refused or failed HTTP call, with the problem+json `code` when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** Keep-alive connections to the server (undici pool size). */
  connections?: number;
  timeoutMs?: number;
}

/** Node.js error codes of a connection that was never made: the request did not reach a server. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The system's JSON-over-HTTP API, through one keep-alive undici pool per node. Calls go to
 * the first URL; when a node cannot be reached the client moves on to the next one and
 * stays there (a failover). A request that may have reached a dead node is not re-sent,
 * except a GET, which changes nothing.
 */
export class ApiClient {
  private readonly urls: readonly string[];
  private readonly pools: Pool[];
  private current = 0;

  constructor(
    baseUrls: string | readonly string[],
    private readonly options: ApiClientOptions = {},
  ) {
    this.urls = typeof baseUrls === 'string' ? [baseUrls] : baseUrls;
    this.pools = this.urls.map((u) => new Pool(new URL(u).origin, { connections: options.connections ?? 16 }));
  }

  /** Base URL of the node the client uses now. */
  get baseUrl(): string {
    return this.urls[this.current];
  }

  /** Sends a request and returns the parsed body of a 2xx answer; throws `ApiError` otherwise. */
  async call<T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = this.options.timeoutMs ?? 15_000;
    let res;
    for (let tried = 1; ; tried++) {
      const node = this.current;
      try {
        res = await this.pools[node].request({
          method: method as 'GET',
          path,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        break;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        const retryable = NOT_CONNECTED.has(code) || method === 'GET';
        if (!retryable || tried >= this.urls.length) throw new ApiError(0, 'NETWORK', `${method} ${path}: ${(error as Error).message}`);
        if (this.current === node) this.current = (node + 1) % this.urls.length;
      }
    }
    const text = await res.body.text();
    let body: any = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return body as T;
    const code = typeof body?.code === 'string' ? body.code : `HTTP_${res.statusCode}`;
    throw new ApiError(res.statusCode, code, `${method} ${path}: ${res.statusCode} ${body?.detail ?? body?.title ?? text.slice(0, 200)}`);
  }

  /** Resolves once GET /health answers 200; retries until `timeoutMs` has passed. */
  async waitForHealth(timeoutMs = 120_000, everyMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.call('GET', '/health');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${this.baseUrl}/health did not answer 200 within ${timeoutMs} ms: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.close()));
  }
}
