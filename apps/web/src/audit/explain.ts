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

/** Column headings short enough for a phone; the long words go in the legend above the table. */
const TERMS_SHORT: Record<string, string> = {
  pickupEta: 'ETA',
  idle: 'Waiting',
  fairness: 'Fairness',
  fixFreshness: 'Fresh fix',
  vehicleFit: 'Vehicle',
};

export function termHeading(term: string): string {
  return TERMS_SHORT[term] ?? term;
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

/** A batch decision's assignment: who got which request in the same window. */
export interface BatchAssignmentView {
  requestId: string;
  driverId: string | null;
}

const BATCH_RULE_IN_WORDS = 'a batch assigns all its waiting requests together: the most requests served, then the best total score';

/**
 * One request's outcome in words, from the point of view of `viewer` (a driver's pseudonym
 * for the period) when they were part of it, else from the outside. In a batch decision
 * (`batch` given) the offer need not go to the best-ranked candidate of this request: drivers
 * ranked higher may have been given other requests of the same window.
 */
export function explain(evaluation: Evaluation, chosen: string | null, viewer?: string, batch?: readonly BatchAssignmentView[]): string {
  const { candidates, exclusions } = evaluation;
  const requestOf = new Map((batch ?? []).flatMap((a) => (a.driverId && a.requestId !== evaluation.request.requestId ? [[a.driverId, a.requestId] as const] : [])));
  const rankOf = (driverId: string) => candidates.findIndex((c) => c.driverId === driverId) + 1;
  const givenElsewhere = (above: readonly Candidate[]) => above.filter((c) => requestOf.has(c.driverId)).length;

  const mine = viewer ? rankOf(viewer) : 0;
  if (viewer && mine > 0) {
    const me = candidates[mine - 1];
    const above = candidates.slice(0, mine - 1);
    const place = `${ordinal(mine)} of ${candidates.length}`;
    if (chosen === viewer) {
      const elsewhere = givenElsewhere(above);
      return elsewhere > 0
        ? `You got the offer: you were ${place} with a score of ${me.score}; ${plural(elsewhere, 'driver', 'drivers')} ranked above you got other requests of the same batch.`
        : `You got the offer: you were ${place} with a score of ${me.score}.`;
    }
    const other = requestOf.get(viewer);
    if (other) return `You were ${place} for this request, but the batch gave you request ${other} instead (${BATCH_RULE_IN_WORDS}).`;
    return `You were ${place}: ${whyAhead(above, me)}.`;
  }
  const excluded = viewer ? exclusions.find((e) => e.driverId === viewer) : undefined;
  if (excluded) return `You were not scored: you ${reasonInWords(excluded.reason)}.`;
  const leftOut = `${plural(exclusions.length, 'driver was', 'drivers were')} left out`;
  if (!chosen) {
    if (candidates.length === 0) return `Nobody got an offer: no eligible driver was found; ${leftOut}.`;
    const why = batch && givenElsewhere(candidates) === candidates.length ? 'every candidate got another request of the same batch' : 'no candidate was assigned';
    return `Nobody got an offer: ${why}; ${leftOut}.`;
  }
  const rank = rankOf(chosen);
  if (rank > 1 && batch) {
    return `The offer went to ${chosen}, ranked ${ordinal(rank)} of ${candidates.length} (${BATCH_RULE_IN_WORDS}); ${leftOut}.`;
  }
  return `The offer went to ${chosen}, the best of ${plural(candidates.length, 'candidate', 'candidates')}; ${leftOut}.`;
}
