import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ApiClient } from '../sim';

/** The repository's root, for running the TypeScript server through @swc-node/register. */
export const repoRoot = join(__dirname, '..', '..', '..');

export interface ServerProcessOptions {
  /** Name in log lines ("A", "B"). */
  name: string;
  /** The server's entry: a built `main.js`, or `apps/server/src/main.ts` run through @swc-node/register. */
  entry: string;
  port: number;
  /** Environment on top of this process's (DATABASE_URL, REDIS_PREFIX, ADMIN_* ...). */
  env: Record<string, string>;
  /** Appends the server's stdout and stderr here; they are dropped when unset. */
  logFile?: string;
  /** How long to wait for /health to answer 200. */
  bootTimeoutMs?: number;
  /** Node's own flags for the server, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  execArgv?: readonly string[];
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One dispatch node as its own OS process, so it can be killed the way a machine dies
 * (SIGKILL: no shutdown hook runs, its sockets and Redis connections just vanish).
 */
export class ServerProcess {
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(o: ServerProcessOptions): Promise<ServerProcess> {
    const args = [...(o.execArgv ?? []), ...(o.entry.endsWith('.ts') ? ['-r', '@swc-node/register', o.entry] : [o.entry])];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, HOST: '127.0.0.1', ...o.env, PORT: String(o.port) },
      stdio: ['ignore', o.logFile ? 'pipe' : 'ignore', o.logFile ? 'pipe' : 'ignore'],
    });
    if (o.logFile) {
      const log = createWriteStream(o.logFile, { flags: 'a' });
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
    }
    const node = new ServerProcess(o.name, `http://127.0.0.1:${o.port}`, child);
    const api = new ApiClient(node.url, { connections: 1, timeoutMs: 5_000 });
    try {
      await Promise.race([
        api.waitForHealth(o.bootTimeoutMs ?? 120_000, 250),
        node.exited.then((code) => Promise.reject(new Error(`node ${o.name} exited with code ${code} while booting${o.logFile ? ` (see ${o.logFile})` : ''}`))),
      ]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      await api.close();
    }
    return node;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the process with SIGKILL and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Asks the process to shut down (SIGTERM); kills it when it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** CPU seconds (user + system) the process has used so far, from /proc (Linux only; undefined elsewhere). */
  async cpuSeconds(): Promise<number | undefined> {
    const { readFile } = await import('node:fs/promises');
    try {
      const fields = (await readFile(`/proc/${this.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      // utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return undefined;
    }
  }
}
