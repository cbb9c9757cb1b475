import { canonicalize } from '@coop/canonical-json';
import type { MatchingPolicy } from '@coop/matching';
import type { PolicyDocument } from '@coop/policy';
import { makeCity } from './city';
import { EngineOptions, SimResult, runSimulation } from './engine';
import { makeScenario } from './scenario';
import { gini, mean, percentile } from './stats';

/** The fixed city every proposal is simulated in: the same seed gives the same demand for both policies, on every run. */
export const PROPOSAL_SCENARIO = {
  drivers: 120,
  hours: 1,
  seed: 2026,
  sizeKm: 12,
  /** The morning rush, when matching rules matter most. */
  startLocalHour: 8,
  utcOffsetMinutes: -300,
  tickS: 2,
} as const;

/** What the simulator takes from a policy document: the matching rules and the ride fare by car. */
export interface SimulatedPolicy {
  matching: MatchingPolicy;
  fare: EngineOptions['fare'];
}

/**
 * The simulator's inputs from a policy document. The fare is the car ride card (base fare
 * plus booking fee, per km, per minute); the driver keeps what commission and common fund
 * leave. Not modelled: minimum fares, time-of-day multipliers, other vehicles' cards, tips.
 */
export function simulatedPolicy(document: PolicyDocument): SimulatedPolicy {
  const card = document.fares.rates.ride.car;
  const fare = card
    ? { baseMinor: card.baseFare + card.bookingFee, perKmMinor: card.perKm, perMinMinor: card.perMinute }
    : { baseMinor: 0, perKmMinor: 0, perMinMinor: 0 };
  const driverShareBp = Math.max(0, 10_000 - document.fares.commissionBasisPoints - document.fares.commonFundBasisPoints);
  return { matching: document.matching, fare: { ...fare, driverShareBp } };
}

/** The figures of one policy on the proposal scenario; times in seconds, distances in km, money in major units. */
export interface PolicyFigures {
  requests: number;
  served: number;
  /** Unfulfilled requests / requests. */
  unfulfilledShare: number;
  waitP50S: number;
  waitP95S: number;
  pickupKmMean: number;
  earningsPerHourMean: number;
  earningsPerHourP10: number;
  earningsPerHourP90: number;
  /** Gini of drivers' earnings per hour during the run (0: all equal). */
  earningsPerHourGini: number;
  offersPerDriverMean: number;
  offersPerDriverMax: number;
  decisions: number;
  /** Sampled decision records that did not replay to the same choice (should be 0). */
  replayFailures: number;
}

/** Both policies' figures side by side, and the proposed minus the in-force figure for each. */
export interface SimulationComparison {
  scenario: typeof PROPOSAL_SCENARIO & { requests: number };
  /** False when the simulated inputs of both policies are identical: one run, equal figures. */
  affected: boolean;
  inForce: PolicyFigures;
  proposed: PolicyFigures;
  differences: Record<keyof PolicyFigures, number>;
}

/** Rounds to a fixed number of decimals so stored figures read cleanly and compare exactly. */
const round = (x: number, decimals = 3): number => (Number.isFinite(x) ? Number(x.toFixed(decimals)) : 0);

/** Summarizes one run into the report's figures. */
export function policyFigures(r: SimResult): PolicyFigures {
  return {
    requests: r.requests,
    served: r.served,
    unfulfilledShare: round(r.unfulfilled / Math.max(1, r.requests), 4),
    waitP50S: round(r.waitsS.length ? percentile(r.waitsS, 50) : 0, 1),
    waitP95S: round(r.waitsS.length ? percentile(r.waitsS, 95) : 0, 1),
    pickupKmMean: round(mean(r.pickupKm)),
    earningsPerHourMean: round(mean(r.simEarningsPerHour), 2),
    earningsPerHourP10: round(r.simEarningsPerHour.length ? percentile(r.simEarningsPerHour, 10) : 0, 2),
    earningsPerHourP90: round(r.simEarningsPerHour.length ? percentile(r.simEarningsPerHour, 90) : 0, 2),
    earningsPerHourGini: round(gini(r.simEarningsPerHour), 4),
    offersPerDriverMean: round(mean(r.offersPerDriver), 2),
    offersPerDriverMax: r.offersPerDriver.length ? Math.max(...r.offersPerDriver) : 0,
    decisions: r.decisions,
    replayFailures: r.replayFailures,
  };
}

/** proposed - inForce for every figure, rounded like the figures. */
export function figureDifferences(inForce: PolicyFigures, proposed: PolicyFigures): Record<keyof PolicyFigures, number> {
  const keys = Object.keys(inForce) as Array<keyof PolicyFigures>;
  return Object.fromEntries(keys.map((k) => [k, round(proposed[k] - inForce[k], 4)])) as Record<keyof PolicyFigures, number>;
}

/**
 * Runs the policy simulator on the fixed proposal scenario under the policy in force and
 * under the proposed one. Deterministic: the same two documents give the same report, bit for
 * bit (seeded demand and responses, no clock). When the simulated inputs are the same (the
 * proposal changes only what the simulator does not model, e.g. the payout schedule), it
 * runs once and says `affected: false`.
 */
export function compareProposal(inForce: PolicyDocument, proposed: PolicyDocument, onProgress: (fraction: number) => void = () => undefined): SimulationComparison {
  const s = PROPOSAL_SCENARIO;
  const scenario = makeScenario(makeCity(s.sizeKm), {
    drivers: s.drivers, hours: s.hours, seed: s.seed, sizeKm: s.sizeKm, startLocalHour: s.startLocalHour, utcOffsetMinutes: s.utcOffsetMinutes,
  });
  const run = (p: SimulatedPolicy, from: number, share: number): PolicyFigures =>
    policyFigures(
      runSimulation(scenario, p.matching, { tickMs: s.tickS * 1000, maxWaitMs: 10 * 60_000, retryMs: 10_000, fare: p.fare, replayEvery: 50, seed: s.seed }, (f) =>
        onProgress(from + f * share),
      ),
    );
  const before = simulatedPolicy(inForce);
  const after = simulatedPolicy(proposed);
  const affected = canonicalize(before) !== canonicalize(after);
  const inForceFigures = run(before, 0, affected ? 0.5 : 1);
  const proposedFigures = affected ? run(after, 0.5, 0.5) : inForceFigures;
  return {
    scenario: { ...s, requests: scenario.requests.length },
    affected,
    inForce: inForceFigures,
    proposed: proposedFigures,
    differences: figureDifferences(inForceFigures, proposedFigures),
  };
}
