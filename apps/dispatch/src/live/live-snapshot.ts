import { cellOf, toPointE6 } from '@coop/geo';

/** A free or busy driver, as the live view counts them (no id leaves this module). */
export interface LiveDriver {
  lat: number;
  lng: number;
  free: boolean;
}

/** A trip waiting for a driver: where, and since when. */
export interface LiveRequest {
  lat: number;
  lng: number;
  requestedAtMs: number;
}

/** Supply and demand of one H3 cell at the policy's public resolution. */
export interface LiveCell {
  cell: string;
  freeDrivers: number;
  busyDrivers: number;
  openRequests: number;
}

/** What every member may see of the city right now: counts per public cell, never a position. */
export interface LiveSnapshot {
  at: string;
  h3Resolution: number;
  onlineDrivers: number;
  freeDrivers: number;
  openRequests: number;
  /** Median time the open requests have waited so far, whole seconds; null when none wait. */
  medianWaitSeconds: number | null;
  /** Cells with anyone in them, sorted by cell id so two snapshots of the same city compare equal. */
  cells: LiveCell[];
}

/**
 * Aggregates drivers and waiting requests into public H3 cells (the policy's
 * privacy.publicH3Resolution, the same coarsening the audit log uses), so the live view shows
 * no member's position finer than the log does.
 */
export function liveSnapshot(drivers: readonly LiveDriver[], requests: readonly LiveRequest[], resolution: number, nowMs: number): LiveSnapshot {
  const cells = new Map<string, LiveCell>();
  const cellAt = (lat: number, lng: number): LiveCell => {
    const id = cellOf(toPointE6({ lat, lng }), resolution);
    let entry = cells.get(id);
    if (!entry) cells.set(id, (entry = { cell: id, freeDrivers: 0, busyDrivers: 0, openRequests: 0 }));
    return entry;
  };
  for (const d of drivers) {
    const cell = cellAt(d.lat, d.lng);
    if (d.free) cell.freeDrivers++;
    else cell.busyDrivers++;
  }
  for (const r of requests) cellAt(r.lat, r.lng).openRequests++;
  return {
    at: new Date(nowMs).toISOString(),
    h3Resolution: resolution,
    onlineDrivers: drivers.length,
    freeDrivers: drivers.filter((d) => d.free).length,
    openRequests: requests.length,
    medianWaitSeconds: median(requests.map((r) => Math.max(0, Math.round((nowMs - r.requestedAtMs) / 1000)))),
    cells: [...cells.values()].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0)),
  };
}

/** The median of whole seconds, rounded down for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.floor((sorted[mid - 1] + sorted[mid]) / 2);
}
