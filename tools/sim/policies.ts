import { MatchingPolicy, defaultMatchingPolicy } from '@coop/matching';

/** A named policy to compare in the simulator. */
export interface SimPolicy {
  name: string;
  policy: MatchingPolicy;
}

const ETA_ONLY = { pickupEta: 100, idle: 0, fairness: 0, fixFreshness: 0, vehicleFit: 0 };

/** The policies compared by default: nearest-driver greedy, batch optimal by ETA, and the co-op default (immediate and batch). */
export function comparedPolicies(): SimPolicy[] {
  const base = JSON.parse(JSON.stringify(defaultMatchingPolicy)) as MatchingPolicy;
  return [
    { name: 'nearest-driver greedy', policy: { ...base, mode: 'immediate', weights: ETA_ONLY } },
    { name: 'batch optimal by ETA', policy: { ...base, mode: 'batch', weights: ETA_ONLY } },
    { name: 'co-op default', policy: base },
    { name: 'co-op default, batch mode', policy: { ...base, mode: 'batch' } },
  ];
}
