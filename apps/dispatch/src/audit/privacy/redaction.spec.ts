import { randomUUID } from 'node:crypto';
import { getResolution } from 'h3-js';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { periodOf, pseudonym } from './pseudonym';
import { isUuid, redact } from './redaction';

function realDecision() {
  const policy = policyWith();
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const idx = new SupplyIndex(policy);
  idx.upsert(carDriver(ids[0], 100));
  idx.upsert(carDriver(ids[1], 900));
  idx.upsert(carDriver(ids[2], 50, { status: 'on_trip' }));
  const record = decideImmediate({
    request: rideRequest({ requestId: randomUUID(), excludedDriverIds: [randomUUID()] }),
    supply: idx,
    nowMs: NOW,
    policy,
    policyRef: { version: '1', hash: 'ab'.repeat(32) },
    fairness: { medianEarningsPerHourMinor: 1000 },
  });
  return { record, ids };
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}

describe('public form of a decision record', () => {
  const key = Buffer.alloc(32, 1);
  const rules = { pseudonymOf: (id: string) => pseudonym(key, id), h3Resolution: 7 };

  it('leaves no member or trip id and no exact position, anywhere in a real record', () => {
    const { record, ids } = realDecision();
    expect(record.candidates.length).toBeGreaterThan(0);
    const pub = redact(record, rules);
    const text = JSON.stringify(pub);
    expect(strings(pub).filter(isUuid)).toEqual([]);
    for (const id of [...ids, record.request.requestId]) expect(text).not.toContain(id);
    expect(text).not.toMatch(/latE6|lngE6/);
    expect(text).toContain(pseudonym(key, ids[0]));
  });

  it('keeps what the ranking needs: features, terms, scores, exclusion reasons, policy, choice order', () => {
    const { record } = realDecision();
    const pub = redact(record, rules) as typeof record;
    expect(pub.candidates.map((c) => [c.score, c.terms, c.features])).toEqual(record.candidates.map((c) => [c.score, c.terms, c.features]));
    expect(pub.exclusions.map((e) => e.reason)).toEqual(record.exclusions.map((e) => e.reason));
    expect(pub.policy).toEqual(record.policy);
    expect(pub.choice.driverId).toBe(pseudonym(key, record.choice.driverId!));
  });

  it('coarsens positions and the pickup cell to the public resolution', () => {
    const { record } = realDecision();
    const pub = redact(record, rules) as any;
    expect(getResolution(pub.request.pickup.cell)).toBe(7);
    expect(getResolution(pub.search.pickupCell)).toBe(Math.min(7, getResolution(record.search.pickupCell)));
    for (const d of pub.drivers) expect(getResolution(d.position.cell)).toBe(7);
  });

  it('one pseudonym per member per key; another period key gives unlinkable pseudonyms', () => {
    const id = randomUUID();
    expect(pseudonym(key, id)).toBe(pseudonym(key, id));
    expect(pseudonym(key, id)).toMatch(/^m-[A-Za-z0-9_-]{20}$/);
    expect(pseudonym(Buffer.alloc(32, 2), id)).not.toBe(pseudonym(key, id));
  });
});

describe('pseudonym periods (UTC)', () => {
  it.each([
    [Date.UTC(2026, 10, 23, 17), 'monthly', '2026-11'],
    [Date.UTC(2026, 10, 23, 17), 'yearly', '2026'],
    [Date.UTC(2026, 10, 23, 17), 'weekly', '2026-W48'],
    [Date.UTC(2021, 0, 3), 'weekly', '2020-W53'],
    [Date.UTC(2024, 11, 30), 'weekly', '2025-W01'],
    [Date.UTC(2026, 0, 1), 'weekly', '2026-W01'],
  ] as const)('%s %s -> %s', (ms, rotation, period) => {
    expect(periodOf(ms, rotation)).toBe(period);
  });
});
