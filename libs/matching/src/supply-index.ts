import { Point, cellOf, ringCells, toPointE6 } from '@coop/geo';
import { exclusionReason } from './constraints';
import { DriverSnapshot, DriverStatus, Vehicle } from './driver-state';
import { MatchRequest, RecordedRequest, compareIds, recordRequest } from './job';
import { MatchingPolicy } from './matching-policy';
import { FoundDriver, expandRings } from './ring-search';
import { CandidateSet, screenCandidates } from './screening';
import { MatchingError } from './errors';
import { assertMatchingPolicy } from './policy-validation';

/** What the app knows about a driver when they come online or reconnect. */
export interface DriverUpsert {
  driverId: string;
  vehicle: Vehicle;
  position: Point;
  fixAtMs: number;
  status?: DriverStatus;
  idleSinceMs: number;
  earnedMinor?: number;
  onlineSeconds?: number;
}

/** The drivers a ring search saw around one pickup: plain JSON, ready for the decision record. */
export interface RingSearch {
  pickupCell: string;
  h3Resolution: number;
  ringsSearched: number;
  /** Every driver in the searched rings with its ring, sorted by driver id. */
  found: FoundDriver[];
  /** Snapshots (copies) of those drivers, sorted by driver id. */
  drivers: DriverSnapshot[];
}

const RING_CACHE_LIMIT = 200_000;

/**
 * The live, in-memory supply index of one process: driver state keyed by id and bucketed by
 * H3 cell at the policy's resolution. Redis holds the shared truth; the app feeds this view
 * from it. No clock inside: every time comes in as an argument.
 */
export class SupplyIndex {
  private readonly byId = new Map<string, DriverSnapshot>();
  private readonly cellOfDriver = new Map<string, string>();
  private readonly byCell = new Map<string, Set<DriverSnapshot>>();
  private readonly rings = new Map<string, readonly string[]>();

  /** Builds an empty index for a policy; a policy with another H3 resolution needs a new index. */
  constructor(readonly policy: MatchingPolicy) {
    assertMatchingPolicy(policy);
  }

  /** Number of drivers in the index (all statuses). */
  get size(): number {
    return this.byId.size;
  }

  /** Adds or replaces a driver's whole state (going online, reconnecting, reloading from Redis). */
  upsert(u: DriverUpsert): void {
    const prev = this.byId.get(u.driverId);
    const snap: DriverSnapshot = {
      driverId: u.driverId,
      status: u.status ?? 'free',
      vehicle: { kind: u.vehicle.kind, seats: u.vehicle.seats, accessible: u.vehicle.accessible },
      position: toPointE6(u.position),
      fixAtMs: u.fixAtMs,
      idleSinceMs: u.idleSinceMs,
      earnedMinor: u.earnedMinor ?? prev?.earnedMinor ?? 0,
      onlineSeconds: u.onlineSeconds ?? prev?.onlineSeconds ?? 0,
    };
    if (prev) this.unbucket(prev);
    this.byId.set(u.driverId, snap);
    this.bucket(snap);
  }

  /** Applies a location fix; fixes older than the one held are ignored (returns false), as they arrive out of order. */
  applyFix(driverId: string, position: Point, atMs: number): boolean {
    const d = this.byId.get(driverId);
    if (!d || atMs < d.fixAtMs) return false;
    const p = toPointE6(position);
    d.fixAtMs = atMs;
    if (p.latE6 === d.position.latE6 && p.lngE6 === d.position.lngE6) return true;
    d.position = p;
    const cell = cellOf(p, this.policy.h3Resolution);
    if (cell !== this.cellOfDriver.get(driverId)) {
      this.unbucket(d);
      this.bucket(d, cell);
    }
    return true;
  }

  /** Removes a driver (offline, disconnected for good); returns whether they were present. */
  remove(driverId: string): boolean {
    const d = this.byId.get(driverId);
    if (!d) return false;
    this.unbucket(d);
    this.byId.delete(driverId);
    return true;
  }

  /** Marks a driver as holding an offer, so no second offer reaches them. */
  markOffered(driverId: string): void {
    this.mustGet(driverId).status = 'offered';
  }

  /** Marks a driver as on a trip (offer accepted). */
  markOnTrip(driverId: string): void {
    this.mustGet(driverId).status = 'on_trip';
  }

  /**
   * Frees a driver. Idle time restarts only when a trip ended: a declined or expired offer
   * leaves idle-since untouched, so declining never costs the driver their place.
   */
  markFree(driverId: string, nowMs: number): void {
    const d = this.mustGet(driverId);
    if (d.status === 'on_trip') d.idleSinceMs = nowMs;
    d.status = 'free';
  }

  /** Updates the period's earnings and online time (from the ledger) used by the fairness term. */
  setEarnings(driverId: string, earnedMinor: number, onlineSeconds: number): void {
    const d = this.mustGet(driverId);
    d.earnedMinor = earnedMinor;
    d.onlineSeconds = onlineSeconds;
  }

  /** A copy of one driver's state, or null when absent. */
  get(driverId: string): DriverSnapshot | null {
    const d = this.byId.get(driverId);
    return d ? copySnapshot(d) : null;
  }

  /** Copies of every driver, sorted by id (for computing the fairness median and for tests). */
  all(): DriverSnapshot[] {
    return [...this.byId.values()].map(copySnapshot).sort((a, b) => compareIds(a.driverId, b.driverId));
  }

  /** Ring expansion around a request's pickup: every driver seen, eligible or not, as copies. */
  search(request: MatchRequest, nowMs: number): RingSearch {
    return this.searchRecorded(recordRequest(request), nowMs);
  }

  /** Ring expansion for a request already in its recorded form (batch mode, replay tooling). */
  searchRecorded(req: RecordedRequest, nowMs: number): RingSearch {
    const p = this.policy;
    const origin = cellOf(req.pickup, p.h3Resolution);
    const scan = expandRings(
      origin,
      p,
      (cell) => this.byCell.get(cell),
      (d) => exclusionReason(d, req, nowMs, p) === null,
      (o, k) => this.ringOf(o, k),
    );
    const seen = scan.seen.sort((a, b) => compareIds(a.driver.driverId, b.driver.driverId));
    return {
      pickupCell: origin,
      h3Resolution: p.h3Resolution,
      ringsSearched: scan.ringsSearched,
      found: seen.map((s) => ({ driverId: s.driver.driverId, ring: s.ring })),
      drivers: seen.map((s) => copySnapshot(s.driver)),
    };
  }

  /** Ring search plus hard constraints and ETAs: the eligible candidates and every exclusion with its reason. */
  candidates(request: MatchRequest, nowMs: number): CandidateSet & { search: RingSearch } {
    const req = recordRequest(request);
    const search = this.searchRecorded(req, nowMs);
    return { search, ...screenCandidates(req, search.drivers, nowMs, this.policy, []) };
  }

  private ringOf(origin: string, k: number): readonly string[] {
    const key = `${origin}:${k}`;
    let cells = this.rings.get(key);
    if (!cells) {
      if (this.rings.size >= RING_CACHE_LIMIT) this.rings.clear();
      cells = ringCells(origin, k);
      this.rings.set(key, cells);
    }
    return cells;
  }

  private mustGet(driverId: string): DriverSnapshot {
    const d = this.byId.get(driverId);
    if (!d) throw new MatchingError('MATCHING_DRIVER_UNKNOWN', `driver ${driverId} is not in the supply index`);
    return d;
  }

  private bucket(d: DriverSnapshot, cell = cellOf(d.position, this.policy.h3Resolution)): void {
    this.cellOfDriver.set(d.driverId, cell);
    let set = this.byCell.get(cell);
    if (!set) this.byCell.set(cell, (set = new Set()));
    set.add(d);
  }

  private unbucket(d: DriverSnapshot): void {
    const cell = this.cellOfDriver.get(d.driverId);
    if (cell === undefined) return;
    const set = this.byCell.get(cell);
    set?.delete(d);
    if (set && set.size === 0) this.byCell.delete(cell);
    this.cellOfDriver.delete(d.driverId);
  }
}

/** A deep copy, so records never alias the index's mutable state. */
export function copySnapshot(d: DriverSnapshot): DriverSnapshot {
  return {
    driverId: d.driverId,
    status: d.status,
    vehicle: { kind: d.vehicle.kind, seats: d.vehicle.seats, accessible: d.vehicle.accessible },
    position: { latE6: d.position.latE6, lngE6: d.position.lngE6 },
    fixAtMs: d.fixAtMs,
    idleSinceMs: d.idleSinceMs,
    earnedMinor: d.earnedMinor,
    onlineSeconds: d.onlineSeconds,
  };
}
