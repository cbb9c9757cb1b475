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

/** The system's JSON-over-HTTP API, through one keep-alive undici pool. */
export class ApiClient {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly options: ApiClientOptions = {},
  ) {
    this.pool = new Pool(new URL(baseUrl).origin, { connections: options.connections ?? 16 });
  }

  /** Sends a request and returns the parsed body of a 2xx answer; throws `ApiError` otherwise. */
  async call<T = any>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = this.options.timeoutMs ?? 15_000;
    let res;
    try {
      res = await this.pool.request({
        method: method as 'GET',
        path,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', `${method} ${path}: ${(error as Error).message}`);
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
    await this.pool.close();
  }
}
