import { decideBatchFromInputs } from './decide-batch';
import { decideImmediateFromInputs } from './decide-immediate';
import { DecisionRecord } from './decision-record';
import { MatchingError } from './errors';
import { DECISION_SCHEMA } from './version';

/**
 * Recomputes a decision from the inputs stored in its record (request, driver snapshots, router
 * ETAs, time, policy, fairness context) with this library, and returns the recomputed record.
 * All arithmetic is integer or deterministic, so an untampered record replays to an identical
 * record, choice included, on any machine.
 */
export function replay(record: DecisionRecord): DecisionRecord {
  if (record.schema !== DECISION_SCHEMA) {
    throw new MatchingError('MATCHING_RECORD_INVALID', `unknown decision schema ${String(record.schema)}`);
  }
  if (record.mode === 'immediate') {
    return decideImmediateFromInputs({
      request: record.request,
      search: record.search,
      drivers: record.drivers,
      routedEtas: record.routedEtas,
      nowMs: record.nowMs,
      policy: record.policy,
      context: record.context,
    });
  }
  return decideBatchFromInputs({
    requests: record.requests.map((r) => ({ request: r.request, search: r.search, routedEtas: r.routedEtas })),
    drivers: record.drivers,
    nowMs: record.nowMs,
    policy: record.policy,
    context: record.context,
  });
}

/** True when replaying the record reproduces it exactly (compared as JSON with sorted keys, so a record parsed back from canonical JSON compares equal). */
export function replayMatches(record: DecisionRecord): boolean {
  return sortedJson(replay(record)) === sortedJson(record);
}

/** JSON text with object keys sorted at every level; enough to compare two plain-JSON values. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
