/**
 * The entry point of the worker thread that runs one proposal's simulation (see
 * simulation-in-thread.ts): compares the two documents it is given and posts the result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compareProposal } from '@coop/simulation';

const { inForce, proposed } = workerData as { inForce: Parameters<typeof compareProposal>[0]; proposed: Parameters<typeof compareProposal>[1] };
parentPort!.postMessage(compareProposal(inForce, proposed));
