import { Injectable } from '@nestjs/common';
import { Clock } from '@coop/platform';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { PresenceStore } from '../presence/presence.store';
import { DriverActivityRepository } from './driver-activity.repository';
import { fairnessPeriodStart } from './fairness-period';

const BATCH = 1_000;

/**
 * Copies each online driver's period activity (online seconds, earnings) from the database
 * into their presence, whence every process's supply index feeds the fairness term.
 */
@Injectable()
export class FairnessStats {
  constructor(
    private readonly presence: PresenceStore,
    private readonly activity: DriverActivityRepository,
    private readonly clock: Clock,
  ) {}

  /** One pass over every online driver; returns how many presences changed. */
  async refresh(): Promise<number> {
    const online = await this.presence.all();
    const periodStart = new Date(fairnessPeriodStart(this.clock.nowMs()));
    let changed = 0;
    for (let i = 0; i < online.length; i += BATCH) {
      const batch = online.slice(i, i + BATCH);
      const activity = await this.activity.periodActivity(batch.map((p) => p.driverId), periodStart);
      for (const driver of batch) {
        const now = activity.get(driver.driverId);
        if (!now || (now.onlineSeconds === driver.onlineSeconds && now.earnedMinor === driver.earnedMinor)) continue;
        if (await this.presence.patch(driver.driverId, now, PRESENCE_TTL_SECONDS)) changed += 1;
      }
    }
    return changed;
  }
}
