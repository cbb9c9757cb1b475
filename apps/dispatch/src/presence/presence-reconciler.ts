import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@coop/platform';
import { OffersRepository } from '../offers/offers.repository';
import { TripsRepository } from '../trips/trips.repository';
import { PRESENCE_TTL_SECONDS } from './presence.constants';
import { PresenceStore } from './presence.store';
import { presenceCorrection } from './presence-truth';

const BATCH = 1_000;

/**
 * Brings driver presence in Redis back in line with the database. Each write is
 * conditional on the revision read, so a transition made meanwhile is never overwritten.
 */
@Injectable()
export class PresenceReconciler {
  constructor(
    private readonly db: DataSource,
    private readonly presence: PresenceStore,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly clock: Clock,
  ) {}

  /** One pass over every online driver; returns how many presences it corrected. */
  async reconcile(): Promise<number> {
    const online = await this.presence.all();
    let corrected = 0;
    for (let i = 0; i < online.length; i += BATCH) {
      const batch = online.slice(i, i + BATCH);
      const ids = batch.map((p) => p.driverId);
      const [activeTrips, pending] = await Promise.all([
        this.trips.activeForDrivers(this.db.manager, ids),
        this.offers.driversWithPendingOffers(this.db.manager, ids),
      ]);
      for (const driver of batch) {
        const fix = presenceCorrection(driver, { activeTrip: activeTrips.get(driver.driverId), hasPendingOffer: pending.has(driver.driverId) });
        if (!fix) continue;
        const written = await this.presence.setAvailability(driver.driverId, fix.availability, this.clock.nowMs(), PRESENCE_TTL_SECONDS, {
          trip: fix.trip,
          resetIdle: fix.resetIdle,
          expectedRev: driver.rev ?? 0,
        });
        if (written) corrected += 1;
      }
    }
    return corrected;
  }
}
