/**
 * Public API of @coop/simulation: the policy simulator (a seeded synthetic city, simulated
 * time, the real matching library) and the comparison of two policy documents that proposals
 * carry. Pure: seeded randomness only, no clock, no I/O.
 */
export * from './city';
export * from './engine';
export * from './policy-comparison';
export * from './prng';
export * from './scenario';
export * from './stats';
