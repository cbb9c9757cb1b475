import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../libs/matching/src/test-fixtures';
import { decisionLeafTexts } from './decision-leaf';
import { referenceDecisionLeafTexts } from './decision-leaf.reference';
import { LeafPrivacy, withPolicyRef } from './log-leaf';
import { pseudonym } from './privacy/pseudonym';
import { RedactionRules } from './privacy/redaction';

const key = Buffer.alloc(32, 9);
const salt = Buffer.alloc(16, 3);
const privacy: LeafPrivacy = { period: '2026-11', rotation: 'monthly', h3Resolution: 7 };
const rulesAt = (h3Resolution: number): RedactionRules => ({ pseudonymOf: (id) => pseudonym(key, id), h3Resolution });

type Built = ReturnType<typeof decisionLeafTexts>;

/** The texts, or the error thrown (class and message: code and path for a canonical JSON refusal). */
function outcome(build: () => Built): Built | { error: string } {
  try {
    return build();
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function expectSameLeaf(record: unknown, h3Resolution = 7): void {
  const rules = rulesAt(h3Resolution);
  const p = { ...privacy, h3Resolution };
  expect(outcome(() => decisionLeafTexts(record, rules, p, salt))).toEqual(outcome(() => referenceDecisionLeafTexts(record, rules, p, salt)));
}

/** A real immediate decision over generated drivers (positions, statuses), as the matcher writes it. */
const realDecision = fc
  .record({
    drivers: fc.array(fc.record({ id: fc.uuid(), dNorth: fc.integer({ min: -3000, max: 3000 }), status: fc.constantFrom('free' as const, 'offered' as const, 'on_trip' as const), idle: fc.nat(7200) }), { maxLength: 8 }),
    requestId: fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), fc.constant('trip-1')),
    excluded: fc.array(fc.uuid(), { maxLength: 2 }),
    nowOffset: fc.nat(86_400_000),
  })
  .map(({ drivers, requestId, excluded, nowOffset }) => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    for (const d of drivers) idx.upsert(carDriver(d.id, d.dNorth, { status: d.status, idleSinceMs: NOW - d.idle * 1000 }));
    return withPolicyRef(
      decideImmediate({
        request: rideRequest({ requestId, excludedDriverIds: excluded }),
        supply: idx,
        nowMs: NOW + nowOffset,
        policy,
        policyRef: { version: '3', hash: 'cd'.repeat(32) },
        fairness: { medianEarningsPerHourMinor: 4000 },
      }),
    );
  });

/** An object with exactly these own members (`__proto__` included as a member, not the prototype). */
function ownMembers(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const cell = fc
  .record({ lat: fc.double({ min: -89, max: 89, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }), res: fc.integer({ min: 0, max: 15 }) })
  .map(({ lat, lng, res }) => latLngToCell(lat, lng, res));
const e6 = fc.integer({ min: -180_000_000, max: 180_000_000 });

// What redaction looks at (UUIDs in any case, positions, `...Cell` members, cells at every
// resolution) mixed with whatever else a record could hold, inside and outside plain JSON.
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.uuid(),
    fc.uuid().map((u) => u.toUpperCase()),
    cell,
    fc.record({ latE6: e6, lngE6: e6 }),
    fc.record({ lngE6: e6, latE6: fc.oneof(e6, fc.double(), fc.constant(undefined)) }),
    fc.record({ latE6: e6, lngE6: e6, extra: fc.nat() }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, true, false, null, undefined, 'not-a-cell', '8f2b', '  '),
    fc.constantFrom(new Date(Date.UTC(2026, 10, 1)), 10n, new Map(), '\ud800'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom('pickupCell', 'Cell', 'dropoffCell', 'driverId', 'latE6', 'lngE6', '__proto__', 'toJSON', 'cell', '1', '\u20ac'), fc.string({ maxLength: 8 })), tie('value')),
        { maxLength: 6 },
      )
      .map(ownMembers),
  ),
}));

describe('decisionLeafTexts against the reference builder (canonicalize, redact, seal, canonicalize)', () => {
  it('builds byte-identical leaves and full records for real decisions', () => {
    fc.assert(
      fc.property(realDecision, fc.integer({ min: 0, max: 15 }), (record, res) => expectSameLeaf(record, res)),
      { numRuns: 300 },
    );
  });

  it('builds the same texts, or throws the same error, for any record-like value', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 15 }), (v, res) => expectSameLeaf(v, res)),
      { numRuns: 5000 },
    );
  });

  it('redacts a real decision (the property above is not comparing two unredacted texts)', () => {
    const record = fc.sample(realDecision.filter((r) => r.candidates.length > 0), { numRuns: 1, seed: 7 })[0];
    const { leafText, fullRecord } = decisionLeafTexts(record, rulesAt(7), privacy, salt);
    expect(fullRecord).toContain(record.candidates[0].driverId);
    expect(leafText).not.toContain(record.candidates[0].driverId);
    expect(leafText).toContain(pseudonym(key, record.candidates[0].driverId));
    expect(leafText).not.toMatch(/latE6/);
    expect(JSON.parse(leafText).sealed).toBe(JSON.parse(referenceDecisionLeafTexts(record, rulesAt(7), privacy, salt).leafText).sealed);
  });
});
