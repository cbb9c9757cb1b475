import { TripStatus, terminalStatuses } from '../sim';
import { RunMetrics } from './run-metrics';

/** What the run knows about one trip, from the rider's and the drivers' sides. */
export interface TripRecord {
  tripId: string;
  /** When the rider's request was meant to be sent (the schedule's time, not the actual one). */
  requestIntendedAtMs?: number;
  firstOfferAtMs?: number;
  offersSeen: number;
  acceptSentAtMs?: number;
  riderMatchedAtMs?: number;
  lastStatus?: TripStatus;
  offerTimed: boolean;
  acceptTimed: boolean;
  /** Nodes (base URLs): where the rider requested, where the first offer reached a driver, where the accept was acked. */
  riderNode?: string;
  offerNode?: string;
  acceptNode?: string;
}

/** One node's share of a run with several. */
export interface NodeCounts {
  node: string;
  requests: number;
  firstOffers: number;
  matched: number;
  /** Matched trips whose rider asked on this node and whose driver accepted on another. */
  crossNodeMatches: number;
}

/**
 * Joins the events of each trip, whichever side sees them first (an offer may reach the
 * driver's socket before the rider's HTTP answer names the trip), and records each latency
 * once both of its ends are known.
 */
export class TripTracker {
  private readonly trips = new Map<string, TripRecord>();

  constructor(private readonly metrics: RunMetrics) {}

  private get(tripId: string): TripRecord {
    let record = this.trips.get(tripId);
    if (!record) {
      record = { tripId, offersSeen: 0, offerTimed: false, acceptTimed: false };
      this.trips.set(tripId, record);
    }
    return record;
  }

  requested(tripId: string, intendedAtMs: number, node?: string): void {
    const r = this.get(tripId);
    r.requestIntendedAtMs = intendedAtMs;
    r.riderNode = node;
    this.settle(tripId);
  }

  offerReceived(tripId: string, atMs: number, node?: string): void {
    const r = this.get(tripId);
    r.offersSeen++;
    r.firstOfferAtMs ??= atMs;
    r.offerNode ??= node;
    this.settle(tripId);
  }

  acceptedOn(tripId: string, node: string): void {
    this.get(tripId).acceptNode = node;
  }

  /** Requests, first offers, matches and cross-node matches per node. */
  byNode(nodes: readonly string[]): NodeCounts[] {
    const trips = this.requestedTrips();
    return nodes.map((node) => ({
      node,
      requests: trips.filter((t) => t.riderNode === node).length,
      firstOffers: trips.filter((t) => t.offerNode === node).length,
      matched: trips.filter((t) => t.acceptNode === node).length,
      crossNodeMatches: trips.filter((t) => t.riderNode === node && t.acceptNode !== undefined && t.acceptNode !== node).length,
    }));
  }

  acceptSent(tripId: string, atMs: number): void {
    this.get(tripId).acceptSentAtMs ??= atMs;
    this.settle(tripId);
  }

  riderUpdate(tripId: string, status: TripStatus, atMs: number): void {
    const r = this.get(tripId);
    if (!r.lastStatus || !terminalStatuses.has(r.lastStatus)) r.lastStatus = status;
    if (status === 'matched') r.riderMatchedAtMs ??= atMs;
    this.settle(tripId);
  }

  private settle(tripId: string): void {
    const r = this.get(tripId);
    if (!r.offerTimed && r.requestIntendedAtMs !== undefined && r.firstOfferAtMs !== undefined) {
      r.offerTimed = true;
      this.metrics.requestToOffer.record(r.firstOfferAtMs - r.requestIntendedAtMs);
    }
    if (!r.acceptTimed && r.acceptSentAtMs !== undefined && r.riderMatchedAtMs !== undefined) {
      r.acceptTimed = true;
      this.metrics.acceptToRider.record(r.riderMatchedAtMs - r.acceptSentAtMs);
    }
  }

  /** The trips this run requested (not ones a bot heard of from an earlier run). */
  requestedTrips(): TripRecord[] {
    return [...this.trips.values()].filter((r) => r.requestIntendedAtMs !== undefined);
  }

  /** Requested trips whose rider has not yet been told an end (completed, cancelled, unfulfilled). */
  openCount(): number {
    return this.requestedTrips().filter((r) => !r.lastStatus || !terminalStatuses.has(r.lastStatus)).length;
  }
}
