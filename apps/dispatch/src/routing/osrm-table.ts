import type { RouteLeg } from '@coop/geo';

/** OSRM profile per vehicle kind: bikes and cargo bikes ride, cars and vans drive. */
export function osrmProfile(kind: RouteLeg['vehicleKind']): 'driving' | 'cycling' {
  return kind === 'bike' || kind === 'cargo_bike' ? 'cycling' : 'driving';
}

/**
 * The OSRM `table` request for many origins to one destination: coordinates are `lng,lat`
 * with the destination last (project-osrm.org/docs/v5.24.0/api/#table-service).
 */
export function tableUrl(baseUrl: string, profile: string, origins: readonly RouteLeg['from'][], destination: RouteLeg['to']): string {
  const coords = [...origins, destination].map((p) => `${(p.lngE6 / 1e6).toFixed(6)},${(p.latE6 / 1e6).toFixed(6)}`).join(';');
  const sources = origins.map((_, i) => i).join(';');
  return `${baseUrl.replace(/\/$/, '')}/table/v1/${profile}/${coords}?sources=${sources}&destinations=${origins.length}&annotations=duration`;
}

/** Whole seconds per origin from a table answer; null for a missing or unroutable pair, or a bad answer. */
export function parseTableDurations(body: unknown, origins: number): Array<number | null> {
  const none = new Array<number | null>(origins).fill(null);
  const table = body as { code?: unknown; durations?: unknown };
  if (table?.code !== 'Ok' || !Array.isArray(table.durations) || table.durations.length !== origins) return none;
  return table.durations.map((row: unknown) => {
    const value = Array.isArray(row) ? row[0] : null;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  });
}
