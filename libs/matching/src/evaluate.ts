import { DriverSnapshot } from './driver-state';
import { MatchingError } from './errors';
import { RequestEvaluation } from './decision-record';
import { RoutedEta } from './features';
import { RecordedRequest, compareIds } from './job';
import { MatchingPolicy } from './matching-policy';
import { bestFirst } from './ranking';
import { FoundDriver } from './ring-search';
import { screenCandidates } from './screening';
import { FairnessContext, termPoints, weightedScore } from './scoring';

/** The recorded inputs of one request's evaluation. */
export interface EvaluationInputs {
  request: RecordedRequest;
  routedEtas: readonly RoutedEta[];
  search: { pickupCell: string; h3Resolution: number; ringsSearched: number; found: readonly FoundDriver[] };
  drivers: ReadonlyMap<string, DriverSnapshot>;
  nowMs: number;
  policy: MatchingPolicy;
  context: FairnessContext;
}

/** Screens, measures and scores one request's found drivers; the shared step of both modes and of replay. */
export function evaluateRequest(i: EvaluationInputs): RequestEvaluation {
  const found = [...i.search.found].sort((a, b) => compareIds(a.driverId, b.driverId));
  const drivers = found.map((f) => {
    const d = i.drivers.get(f.driverId);
    if (!d) throw new MatchingError('MATCHING_RECORD_INVALID', `found driver ${f.driverId} has no snapshot`);
    return d;
  });
  const routedEtas = [...i.routedEtas]
    .filter((r) => Number.isSafeInteger(r.etaSeconds) && r.etaSeconds >= 0)
    .map((r) => ({ driverId: r.driverId, etaSeconds: r.etaSeconds }))
    .sort((a, b) => compareIds(a.driverId, b.driverId));
  const set = screenCandidates(i.request, drivers, i.nowMs, i.policy, routedEtas);
  const candidates = set.candidates
    .map((c) => {
      const terms = termPoints(c.features, i.policy, i.context);
      return { driverId: c.driverId, features: c.features, terms, score: weightedScore(terms, i.policy) };
    })
    .sort(bestFirst);
  return {
    request: i.request,
    routedEtas,
    search: {
      pickupCell: i.search.pickupCell,
      h3Resolution: i.search.h3Resolution,
      ringsSearched: i.search.ringsSearched,
      found: found.map((f) => ({ driverId: f.driverId, ring: f.ring })),
    },
    candidates,
    exclusions: set.exclusions,
  };
}

/** A deep, plain-JSON copy of a policy (drops nothing: policies are plain JSON by contract). */
export function copyPolicy(p: MatchingPolicy): MatchingPolicy {
  return JSON.parse(JSON.stringify(p)) as MatchingPolicy;
}
