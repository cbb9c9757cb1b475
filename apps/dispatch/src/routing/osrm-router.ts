import { Inject, Injectable, Logger } from '@nestjs/common';
import { RouteLeg, RouterPort } from '@coop/geo';
import { APP_CONFIG, AppConfig } from '@coop/platform';
import { osrmProfile, parseTableDurations, tableUrl } from './osrm-table';

/**
 * Road ETAs from an OSRM server's table service, for the legs dispatch asks about (drivers to
 * one pickup). A slow, failing or odd answer gives nulls, and the matcher falls back to its
 * ETA model for those drivers: a router outage must never stop dispatch.
 */
@Injectable()
export class OsrmRouter extends RouterPort {
  private readonly logger = new Logger('osrm');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  get configured(): boolean {
    return this.config.OSRM_URL !== undefined;
  }

  async durationsSeconds(legs: readonly RouteLeg[], _departAtMs: number): Promise<ReadonlyArray<number | null>> {
    // OSRM's table service has no departure time: its speeds are the profile's, whatever the hour.
    const out = new Array<number | null>(legs.length).fill(null);
    const base = this.config.OSRM_URL;
    if (!base || legs.length === 0) return out;
    // One table request per (profile, destination): dispatch asks for one pickup at a time.
    const groups = new Map<string, number[]>();
    legs.forEach((leg, i) => {
      const key = `${osrmProfile(leg.vehicleKind)}|${leg.to.latE6},${leg.to.lngE6}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    await Promise.all(
      [...groups.values()].map(async (indices) => {
        const first = legs[indices[0]];
        const url = tableUrl(base, osrmProfile(first.vehicleKind), indices.map((i) => legs[i].from), first.to);
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(this.config.OSRM_TIMEOUT_MS) });
          const durations = parseTableDurations(response.ok ? await response.json() : undefined, indices.length);
          indices.forEach((legIndex, k) => (out[legIndex] = durations[k]));
        } catch (error) {
          this.logger.warn({ msg: 'OSRM table request failed; using the ETA model', error: (error as Error).message });
        }
      }),
    );
    return out;
  }
}
