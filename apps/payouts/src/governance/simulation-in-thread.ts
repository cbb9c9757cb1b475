import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PolicyDocument } from '@coop/policy';
import type { SimulationComparison } from '@coop/simulation';

const TIMEOUT_MS = 120_000;

/**
 * Runs compareProposal in a worker thread: the simulation is seconds of synchronous CPU work,
 * which on the main thread would hold every request and socket of this process (dispatch too,
 * when everything runs in one process). From TypeScript sources (tests, `npm run ts`) the
 * thread loads its entry through @swc-node/register; from the build, the compiled .js.
 */
export function compareInThread(inForce: PolicyDocument, proposed: PolicyDocument): Promise<SimulationComparison> {
  const fromSources = __filename.endsWith('.ts');
  const entry = join(__dirname, `simulation.thread.${fromSources ? 'ts' : 'js'}`);
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { inForce, proposed }, execArgv: fromSources ? ['-r', '@swc-node/register'] : [] });
    const timer = setTimeout(() => {
      reject(new Error(`the simulation took longer than ${TIMEOUT_MS / 1000} s`));
      void worker.terminate();
    }, TIMEOUT_MS);
    worker.once('message', (result: SimulationComparison) => {
      clearTimeout(timer);
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      // After a result this settles nothing; without one, the thread died before answering.
      reject(new Error(`the simulation thread exited (code ${code}) without a result`));
    });
  });
}
