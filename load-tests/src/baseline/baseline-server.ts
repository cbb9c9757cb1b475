import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Pool } from 'pg';
import { Server } from 'socket.io';

export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

/** Creates the floor's database on the same PostgreSQL server when it is missing. */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * The two baselines the load runner measures beside the system, so its figures are ratios
 * that survive a noisy machine:
 * - `/echo` (socket.io): acks every `echo` at once, the floor of a location-fix ack;
 * - `POST /floor` (HTTP): commits one row to PostgreSQL and pushes one socket.io message to
 *   the caller's `/floor` socket, the floor of a trip request answered by an offer.
 */
export async function startBaselineServer(options: { databaseUrl: string; port?: number; host?: string }): Promise<BaselineServer> {
  await ensureDatabase(options.databaseUrl);
  // Ten connections, as TypeORM's default pool in the system under test.
  const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS floor_rows (id bigserial PRIMARY KEY, client_id text NOT NULL, seq integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/floor') return reply(404, { code: 'NOT_FOUND' });
    readBody(req)
      .then(async (text) => {
        const { clientId, seq } = JSON.parse(text) as { clientId: string; seq: number };
        const { rows } = await pool.query<{ id: string }>('INSERT INTO floor_rows (client_id, seq) VALUES ($1, $2) RETURNING id', [clientId, seq]);
        io.of('/floor').to(`client:${clientId}`).emit('pushed', { seq, id: rows[0].id });
        reply(201, { id: rows[0].id });
      })
      .catch((error: Error) => reply(500, { code: 'FLOOR_FAILED', detail: error.message }));
  });
  const io = new Server(http, { transports: ['websocket'] });
  io.of('/echo').on('connection', (socket) => {
    socket.on('echo', (_payload: unknown, ack?: (r: object) => void) => ack?.({ ok: true }));
  });
  io.of('/floor').on('connection', (socket) => {
    void socket.join(`client:${String(socket.handshake.auth?.clientId ?? '')}`);
  });

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      io.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await pool.end();
    },
  };
}
