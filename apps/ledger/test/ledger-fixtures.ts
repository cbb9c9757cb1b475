/** Shared pieces of the ledger's integration tests: a migrated database, the policy, events. */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { finalFare, moneyToJson, moneyTreeToJson, quoteFare, splitFare } from '@coop/money';
import { AppConfig, createDataSource, Metrics, SystemClock } from '@coop/platform';
import { HoldExpiryService } from '../src/holds/hold-expiry.service';
import { defaultPolicy, policyHash } from '@coop/policy';
import { createTestDatabase, tripId } from '@coop/testing';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';

export const POLICY_HASH = policyHash(defaultPolicy);

/** A fresh database with the default policy stored, and the ledger's parts built on it. */
export async function ledgerOnFreshDatabase(poolSize = 10) {
  const database = await createTestDatabase();
  const db = createDataSource({ url: database.url, poolSize });
  await db.initialize();
  await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity')`, [POLICY_HASH, defaultPolicy]);
  return { db, ...partsOn(db), close: async () => { await db.destroy(); await database.drop(); } };
}

/** The ledger's services on a DataSource, wired by hand as Nest would. */
export function partsOn(db: DataSource) {
  const journal = new LedgerRepository(db);
  const postings = new PostingService(journal, new Metrics());
  const policies = new FarePolicyReader(db);
  const handler = new TripEventHandler(postings, policies, journal);
  const expiry = new HoldExpiryService(journal, postings, new SystemClock(), { WORKERS: false } as AppConfig, new Metrics());
  return { journal, postings, policies, handler, expiry };
}

/** The quote every fixture trip was requested with (3 km, 10 min, a car at noon). */
export const fixtureQuote = () => quoteFare(defaultPolicy.fares, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 3000, durationSeconds: 600, localHour: 12 });

/** A trip.requested payload as dispatch's outbox writes it (trips.service.ts request). */
export function requestedEvent(options: { tripId?: string; riderId?: string } = {}) {
  const quote = fixtureQuote();
  return {
    outboxId: '0',
    tripId: options.tripId ?? tripId(),
    riderId: options.riderId ?? randomUUID(),
    quoteId: randomUUID(),
    kind: 'ride',
    vehicleKind: 'car',
    fareAmount: quote.total.amount.toString(),
    currency: quote.total.currency,
    policyVersion: 1,
    policyHash: POLICY_HASH,
    at: new Date().toISOString(),
  };
}

/** A trip.completed payload as dispatch's outbox writes it (driver-trips.service.ts). */
export function completedEvent(
  options: { tripId?: string; riderId?: string; driverId?: string; distanceMeters?: number; durationSeconds?: number; routeChanged?: boolean } = {},
) {
  const fares = defaultPolicy.fares;
  const quote = fixtureQuote();
  const measured = { distanceMeters: options.distanceMeters ?? 3200, durationSeconds: options.durationSeconds ?? 660 };
  const fare = finalFare(fares, quote, measured, { routeChanged: options.routeChanged ?? false });
  const split = splitFare(fares, fare.total);
  return {
    outboxId: '1',
    tripId: options.tripId ?? tripId(),
    riderId: options.riderId ?? randomUUID(),
    driverId: options.driverId ?? randomUUID(),
    policyVersion: 1,
    policyHash: POLICY_HASH,
    fare: moneyToJson(fare.total),
    quote: moneyToJson(fare.quoteTotal),
    rule: fare.rule,
    split: { commission: moneyToJson(split.commission), commonFund: moneyToJson(split.commonFund), driver: moneyToJson(split.driver) },
    currency: fare.total.currency,
    breakdown: moneyTreeToJson(fare),
    completedAt: new Date().toISOString(),
  };
}

/** A trip.cancelled payload as trips.service.ts writes it; `secondsAfterMatch` null means never matched. */
export function cancelledEvent(secondsAfterMatch: number | null, options: { tripId?: string; riderId?: string } = {}) {
  const at = new Date();
  return {
    outboxId: '2',
    tripId: options.tripId ?? tripId(),
    riderId: options.riderId ?? randomUUID(),
    driverId: secondsAfterMatch === null ? null : randomUUID(),
    statusBefore: secondsAfterMatch === null ? 'offered' : 'matched',
    cancelledBy: 'rider',
    kind: 'ride',
    vehicleKind: 'car',
    matchedAt: secondsAfterMatch === null ? null : new Date(at.getTime() - secondsAfterMatch * 1000).toISOString(),
    policyVersion: 1,
    policyHash: POLICY_HASH,
    at: at.toISOString(),
  };
}
