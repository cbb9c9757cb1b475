/** Pieces the ledger's benchmarks share: riders and drivers, card holds placed in bulk, PostgreSQL readings. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { parseFarePolicy } from '@coop/money';
import { defaultPolicy } from '@coop/policy';
import { tripId } from '@coop/testing';
import { completedEvent, requestedEvent } from '../test/ledger-fixtures';
import { holdEntry } from '../src/events/hold-postings';
import { tripRequestedEventSchema } from '../src/events/trip-event.schemas';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';

/** A city's worth of members, so most postings find their accounts open, as in production. */
export const riders = Array.from({ length: 3000 }, () => randomUUID());
export const drivers = Array.from({ length: 300 }, () => randomUUID());
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

const fares = parseFarePolicy(defaultPolicy.fares);

/**
 * One completion per rider, `inParallel` at a time: every member's accounts are open (as most
 * are in a city), and the policy cache, the pool's prepared statements and the JIT are warm.
 */
export async function openMemberAccounts(handler: TripEventHandler, inParallel = riders.length): Promise<void> {
  for (let i = 0; i < riders.length; i += inParallel) {
    await Promise.all(riders.slice(i, i + inParallel).map((riderId, j) => handler.handle('trip.completed', completedEvent({ riderId, driverId: drivers[(i + j) % drivers.length] }))));
  }
}

/** How trip ids are made: `v7` as the database does since migration 1763900000864, `random` (v4) as before it. */
export type TripIds = 'v7' | 'random';

/**
 * `count` completed-trip events between pool members; with `withHold`, each trip's card hold is
 * placed first (setup, not measured).
 */
export async function completionsWithHolds(journal: LedgerRepository, count: number, withHold = true, tripIds: TripIds = 'v7') {
  const events = Array.from({ length: count }, () =>
    completedEvent({ tripId: tripIds === 'v7' ? tripId() : randomUUID(), riderId: pick(riders), driverId: pick(drivers) }),
  );
  if (withHold) {
    const holds = events.map((e) => holdEntry(tripRequestedEventSchema.parse(requestedEvent({ tripId: e.tripId, riderId: e.riderId })), fares));
    for (let i = 0; i < holds.length; i += 500) {
      for (const answer of await journal.appendUnits(holds.slice(i, i + 500).map((h) => [h]))) if (!answer.ok) throw answer.error;
    }
  }
  return events;
}

/** The pids of the backends serving connections named `applicationName`. */
export async function backendPids(db: DataSource, applicationName: string): Promise<number[]> {
  const rows: Array<{ pid: number }> = await db.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
  return rows.map((r) => r.pid);
}

/** CPU milliseconds used so far by these processes (/proc, 100 Hz ticks; same host only, rough). */
export function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not on this host, or gone: the reading is rough anyway.
    }
  }
  return ticks * 10;
}

/** CPU milliseconds used so far by the backends of connections named `applicationName`. */
export async function backendCpuMs(db: DataSource, applicationName: string): Promise<number> {
  return cpuMsOf(await backendPids(db, applicationName));
}

export interface WalCounters { records: number; fpi: number; bytes: number }

/** The cluster's WAL counters (pg_stat_wal, PostgreSQL 14+): shared by everything running on it. */
export async function walCounters(db: DataSource): Promise<WalCounters> {
  const [row] = await db.query(`SELECT wal_records::float8 AS records, wal_fpi::float8 AS fpi, wal_bytes::float8 AS bytes FROM pg_stat_wal`);
  return row;
}

/** Blocks this database's ledger indexes and tables read from outside shared_buffers so far (pg_statio; updated at each transaction's end). */
export async function ledgerBlocksRead(db: DataSource): Promise<number> {
  const [row] = await db.query(`
    SELECT (SELECT coalesce(sum(idx_blks_read), 0) FROM pg_statio_user_indexes WHERE relname LIKE 'ledger%')
         + (SELECT coalesce(sum(heap_blks_read), 0) FROM pg_statio_user_tables WHERE relname LIKE 'ledger%') AS blocks`);
  return Number(row.blocks);
}
