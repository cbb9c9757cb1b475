import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { io, Socket } from 'socket.io-client';
import { LatencyRecorder, LatencySummary } from './latency';
import { arrivalOffsetsMs, runSchedule } from './schedule';

export interface BaselineOutcome {
  echo: LatencySummary;
  floor: LatencySummary;
  errors: number;
}

/** A baseline server child process (load-tests/src/baseline/main), and how to stop it. */
export async function spawnBaselineServer(floorDatabaseUrl: string): Promise<{ url: string; stop(): void }> {
  const entry = require.resolve('../baseline/main');
  const args = entry.endsWith('.ts') ? ['-r', '@swc-node/register', entry] : [entry];
  const child = spawn(process.execPath, args, { env: { ...process.env, FLOOR_DATABASE_URL: floorDatabaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code}) before listening`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

function connect(url: string, auth: object): Promise<Socket> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Socket.io echo acks at `rate` per second over a few sockets, from each send's intended time. */
export async function measureEcho(baseUrl: string, ratePerSecond: number, durationMs: number): Promise<{ latency: LatencyRecorder; errors: number }> {
  const latency = new LatencyRecorder();
  let errors = 0;
  const sockets = await Promise.all(Array.from({ length: Math.min(50, Math.max(1, Math.ceil(ratePerSecond / 10))) }, () => connect(`${baseUrl}/echo`, {})));
  const inflight: Promise<void>[] = [];
  await runSchedule(arrivalOffsetsMs(ratePerSecond, durationMs), Date.now() + 100, (intended, i) => {
    const payload = { lat: 45.5017, lng: -73.5673, at: new Date(intended).toISOString() };
    inflight.push(
      sockets[i % sockets.length]
        .timeout(10_000)
        .emitWithAck('echo', payload)
        .then(() => latency.record(Date.now() - intended), () => void errors++),
    );
  });
  await Promise.all(inflight);
  sockets.forEach((s) => s.disconnect());
  return { latency, errors };
}

/** HTTP POST (one committed row) to the pushed socket.io message, from each send's intended time. */
export async function measureFloor(baseUrl: string, ratePerSecond: number, durationMs: number): Promise<{ latency: LatencyRecorder; errors: number }> {
  const latency = new LatencyRecorder();
  let errors = 0;
  const clientId = randomUUID();
  const socket = await connect(`${baseUrl}/floor`, { clientId });
  const http = new Pool(baseUrl, { connections: 32 });
  const intendedBySeq = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  socket.on('pushed', ({ seq }: { seq: number }) => {
    const intended = intendedBySeq.get(seq);
    if (intended !== undefined) latency.record(Date.now() - intended);
    waiting.get(seq)?.();
    waiting.delete(seq);
  });
  const inflight: Promise<void>[] = [];
  await runSchedule(arrivalOffsetsMs(ratePerSecond, durationMs), Date.now() + 100, (intended, seq) => {
    intendedBySeq.set(seq, intended);
    const pushed = new Promise<void>((resolve) => waiting.set(seq, resolve));
    const posted = http
      .request({ method: 'POST', path: '/floor', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, seq }) })
      .then(async (res) => {
        await res.body.text();
        if (res.statusCode !== 201) throw new Error(String(res.statusCode));
      });
    let timer: NodeJS.Timeout;
    const timeout = new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error('no push')), 10_000)));
    inflight.push(Promise.race([Promise.all([posted, pushed]).then(() => undefined), timeout]).then(() => clearTimeout(timer), () => void errors++));
  });
  await Promise.all(inflight);
  socket.disconnect();
  await http.close();
  return { latency, errors };
}

/** Both baselines at once for `durationMs`, as light probes beside the system's measured window. */
export async function runProbes(baseUrl: string, echoPerSecond: number, floorPerSecond: number, durationMs: number): Promise<BaselineOutcome> {
  const [echo, floor] = await Promise.all([measureEcho(baseUrl, echoPerSecond, durationMs), measureFloor(baseUrl, floorPerSecond, durationMs)]);
  return { echo: echo.latency.summary(), floor: floor.latency.summary(), errors: echo.errors + floor.errors };
}

/** Both baselines, one after the other, against a baseline server. */
export async function runBaselines(baseUrl: string, b: { durationSeconds: number; echoPerSecond: number; floorPerSecond: number }): Promise<BaselineOutcome> {
  const echo = await measureEcho(baseUrl, b.echoPerSecond, b.durationSeconds * 1000);
  const floor = await measureFloor(baseUrl, b.floorPerSecond, b.durationSeconds * 1000);
  return { echo: echo.latency.summary(), floor: floor.latency.summary(), errors: echo.errors + floor.errors };
}
