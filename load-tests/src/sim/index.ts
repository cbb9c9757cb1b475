/** Simulated clients of the dispatch system, shared by the demo city and the load runner. */
export * from './api-client';
export * from './contract';
export * from './driver-bot';
export * from './geo';
export * from './members';
export * from './prng';
export * from './rider-bot';
export * from './socket-link';
