/** A decision in plain words, for the member reading it (DESIGN.md: "why did I not get that trip?"). */
import { Candidate, Evaluation } from './leaf-types';

const REASONS: Record<string, string> = {
  on_trip: 'was on a trip',
  holding_offer: 'was already holding another offer',
  already_offered_this_trip: 'had already been offered this trip',
  stale_fix: 'had not sent a location recently enough',
  vehicle_kind_not_allowed: 'drives a vehicle this job cannot use',
  insufficient_seats: 'had too few seats',
  not_accessible: 'has no accessible vehicle, and the rider asked for one',
  eta_above_max: 'was too far away (pickup ETA above the maximum)',
  beyond_candidate_count: 'was not among the quickest drivers scored',
};

/** An exclusion reason in words. */
export function reasonInWords(reason: string): string {
  return REASONS[reason] ?? reason.replaceAll('_', ' ');
}

const TERMS: Record<string, string> = {
  pickupEta: 'pickup ETA',
  idle: 'time waiting for work',
  fairness: 'fairness (earnings per hour below the co-op median)',
  fixFreshness: 'location freshness',
  vehicleFit: 'vehicle fit',
};

export function termInWords(term: string): string {
  return TERMS[term] ?? term;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Why the drivers ranked above `me` were ahead: the term where most of them beat me. */
function whyAhead(above: readonly Candidate[], me: Candidate): string {
  const shorterEta = above.filter((c) => c.features.etaSeconds < me.features.etaSeconds).length;
  if (shorterEta === above.length) return `${plural(shorterEta, 'driver', 'drivers')} had a shorter pickup ETA`;
  const terms = Object.keys(me.terms);
  const best = terms
    .map((t) => ({ t, n: above.filter((c) => (c.terms[t] ?? 0) > (me.terms[t] ?? 0)).length }))
    .sort((a, b) => b.n - a.n)[0];
  return best && best.n > 0
    ? `${plural(above.length, 'driver', 'drivers')} scored higher; ${best.n} of them had more points for ${termInWords(best.t)}`
    : `${plural(above.length, 'driver', 'drivers')} scored higher or won the tie-break`;
}

/**
 * One request's outcome in words, from the point of view of `viewer` (a driver's pseudonym
 * for the period) when they were part of it, else from the outside.
 */
export function explain(evaluation: Evaluation, chosen: string | null, viewer?: string): string {
  const { candidates, exclusions } = evaluation;
  const mine = viewer ? candidates.findIndex((c) => c.driverId === viewer) : -1;
  if (viewer && mine >= 0) {
    if (chosen === viewer) return `You got the offer: you were 1st of ${candidates.length} with a score of ${candidates[mine].score}.`;
    const rank = mine + 1;
    return `You were ${ordinal(rank)} of ${candidates.length}: ${whyAhead(candidates.slice(0, mine), candidates[mine])}.`;
  }
  const excluded = viewer ? exclusions.find((e) => e.driverId === viewer) : undefined;
  if (excluded) return `You were not scored: you ${reasonInWords(excluded.reason)}.`;
  const outside = chosen
    ? `The offer went to ${chosen}, the best of ${plural(candidates.length, 'candidate', 'candidates')}`
    : `Nobody got an offer: ${candidates.length === 0 ? 'no eligible driver was found' : 'no candidate was assigned'}`;
  return `${outside}; ${plural(exclusions.length, 'driver was', 'drivers were')} left out.`;
}
