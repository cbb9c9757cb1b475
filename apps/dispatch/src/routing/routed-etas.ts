import { Injectable } from '@nestjs/common';
import { toPointE6 } from '@coop/geo';
import type { RingSearch, RoutedEta } from '@coop/matching';
import type { Point } from '@coop/platform';
import { OsrmRouter } from './osrm-router';

/**
 * Road ETAs from the free drivers a search found to the pickup, when a router is configured.
 * They go into the decision as inputs, so replay never needs the router.
 */
@Injectable()
export class RoutedEtas {
  constructor(private readonly router: OsrmRouter) {}

  async forSearch(search: RingSearch, pickup: Point, nowMs: number): Promise<RoutedEta[]> {
    if (!this.router.configured) return [];
    const drivers = search.drivers.filter((d) => d.status === 'free');
    if (drivers.length === 0) return [];
    const to = toPointE6(pickup);
    const durations = await this.router.durationsSeconds(
      drivers.map((d) => ({ from: d.position, to, vehicleKind: d.vehicle.kind })),
      nowMs,
    );
    return drivers.flatMap((d, i) => (durations[i] === null ? [] : [{ driverId: d.driverId, etaSeconds: durations[i]! }]));
  }
}
