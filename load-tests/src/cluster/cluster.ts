import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ServerProcess } from './server-process';

export interface ClusterOptions {
  count: number;
  /** The server's entry (a built main.js, or apps/server/src/main.ts). */
  entry: string;
  /** Node k listens on basePort + k, on 127.0.0.1. */
  basePort: number;
  /** Environment of every node: the same DATABASE_URL, REDIS_URL and REDIS_PREFIX make them one deployment. */
  env: Record<string, string>;
  logDir?: string;
  /** Node flags of every node (`--cpu-prof --cpu-prof-dir=...` to profile them). */
  execArgv?: readonly string[];
}

const nodeName = (k: number) => String.fromCharCode(65 + k); // A, B, C ...

/**
 * Several dispatch nodes of one deployment, each its own process on its own port, booted
 * one after the other (two migrating the same empty database at once would race).
 */
export async function startCluster(o: ClusterOptions): Promise<ServerProcess[]> {
  const nodes: ServerProcess[] = [];
  try {
    for (let k = 0; k < o.count; k++) {
      const name = nodeName(k);
      nodes.push(await ServerProcess.start({ name, entry: o.entry, port: o.basePort + k, env: o.env, execArgv: o.execArgv, logFile: join(o.logDir ?? tmpdir(), `load-node-${name}.log`) }));
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw error;
  }
  return nodes;
}

/** CPU seconds used so far by each running node ("node A" ...) and by this process (the generator). */
export async function sampleCpu(nodes: readonly ServerProcess[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of nodes) {
    const seconds = await n.cpuSeconds();
    if (seconds !== undefined) out[`node ${n.name}`] = seconds;
  }
  const own = process.cpuUsage();
  out.generator = (own.user + own.system) / 1e6;
  return out;
}
