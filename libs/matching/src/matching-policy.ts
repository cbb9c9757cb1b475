import { DEFAULT_SPEED_PROFILE, EtaModelParams, VehicleKind } from '@coop/geo';

/** What a job carries: people (ride) or goods (delivery). */
export type JobKind = 'ride' | 'delivery';

/** How open requests are matched: each on its own, or pooled over a short window. */
export type MatchingMode = 'immediate' | 'batch';

/**
 * Integer weights of the scoring terms (see scoring.ts for each term's definition). Every
 * term is normalized to 0..10 000 points, so a weight reads as "how much this term counts".
 * There is deliberately no term for declined or missed offers: declining never costs a driver.
 */
export interface ScoringWeights {
  pickupEta: number;
  idle: number;
  fairness: number;
  fixFreshness: number;
  vehicleFit: number;
}

/** The scale each term is normalized on; integers so scores replay bit for bit. */
export interface ScoringNormalization {
  /** ETA at or above which the pickup term scores 0. */
  etaCapSeconds: number;
  /** Idle time at or above which the idle term scores full points. */
  idleCapSeconds: number;
  /** Drivers online less than this this period count as at the median (no fairness boost). */
  fairnessMinOnlineSeconds: number;
  /** Vehicle-fit points lost for using an accessible vehicle on a job that does not need one. */
  accessibleReservePenalty: number;
  /** Vehicle-fit points lost per seat beyond what a ride asked for. */
  excessSeatPenalty: number;
}

/** Every parameter of matching; a section of the co-op's voted policy document (plain JSON). */
export interface MatchingPolicy {
  /** H3 resolution of the supply index (9: cells of about 0.1 km², edge about 200 m). */
  h3Resolution: number;
  /** Largest ring radius k searched around the pickup cell. */
  maxRingRadius: number;
  /** Rings searched after the one where the candidate count was reached (nearer drivers can sit one ring out). */
  extraRings: number;
  /** How many eligible drivers, quickest to the pickup first, are scored per request. */
  candidateCount: number;
  /** A driver whose last fix is older than this is excluded as stale. */
  staleFixSeconds: number;
  /** Candidates whose pickup ETA exceeds this are excluded. */
  maxPickupEtaSeconds: number;
  /** Seconds a driver has to accept an offer. */
  offerTimeoutSeconds: number;
  /** Offers made for one trip before it becomes `unfulfilled`. */
  maxOffersPerTrip: number;
  /** Seconds a trip may wait for a driver to accept before it becomes `unfulfilled`. */
  searchTimeoutSeconds: number;
  mode: MatchingMode;
  /** Length of the batch window in batch mode. */
  batchWindowMs: number;
  weights: ScoringWeights;
  normalization: ScoringNormalization;
  eta: EtaModelParams;
  /** Vehicle kinds that may take each kind of job. */
  vehicleKindsByJob: Record<JobKind, VehicleKind[]>;
}

/**
 * The co-op's starting matching rules. Pickup ETA dominates (riders wait less and drivers
 * drive fewer unpaid kilometres), earnings fairness is the second-largest term (Suhr et al.,
 * KDD 2019), idle time breaks near-ties in favour of those who waited longest.
 */
export const defaultMatchingPolicy: MatchingPolicy = {
  h3Resolution: 9,
  maxRingRadius: 12,
  extraRings: 1,
  candidateCount: 12,
  staleFixSeconds: 45,
  maxPickupEtaSeconds: 1200,
  offerTimeoutSeconds: 20,
  maxOffersPerTrip: 5,
  searchTimeoutSeconds: 180,
  mode: 'immediate',
  batchWindowMs: 2000,
  weights: { pickupEta: 60, idle: 10, fairness: 25, fixFreshness: 2, vehicleFit: 3 },
  normalization: {
    etaCapSeconds: 1200,
    idleCapSeconds: 3600,
    fairnessMinOnlineSeconds: 3600,
    accessibleReservePenalty: 6000,
    excessSeatPenalty: 1000,
  },
  eta: { detourPermille: 1300, pickupOverheadSeconds: 30, utcOffsetMinutes: -300, speedsKmh: DEFAULT_SPEED_PROFILE },
  vehicleKindsByJob: { ride: ['car', 'van'], delivery: ['bike', 'cargo_bike', 'car', 'van'] },
};
