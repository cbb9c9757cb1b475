import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { Clock, DomainError } from '@coop/platform';
import { DriverActivityRepository } from '../fairness/driver-activity.repository';
import { MembersRepository } from '../members/members.repository';
import { offerPayload } from '../offers/offer-payload';
import { OffersRepository } from '../offers/offers.repository';
import { DriverAvailability } from '../presence/driver-presence';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { TripsRepository } from '../trips/trips.repository';
import { defaultSeats, goOnlineSchema } from './driver-events.schemas';
import { LocationFix } from './location-fix';
import { SessionTouches } from './session-touches';

/** A fix stamped further ahead than this is refused: the phone's clock is wrong. */
const MAX_CLOCK_AHEAD_MS = 30_000;
/** An online session's last sighting is stored at most this often (online time for fairness). */
const SESSION_TOUCH_MS = 60_000;

/** A driver's presence: online with a vehicle, location fixes, offline, and resuming after a reconnect. */
@Injectable()
export class DriverSessionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('drivers');
  private readonly touches: SessionTouches;

  constructor(
    private readonly db: DataSource,
    private readonly members: MembersRepository,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly presence: PresenceStore,
    private readonly notifier: RealtimeNotifier,
    private readonly activity: DriverActivityRepository,
    private readonly clock: Clock,
  ) {
    this.touches = new SessionTouches(
      (batch) => this.activity.touchSessions(batch.map((t) => ({ sessionId: t.sessionId, at: new Date(t.atMs) }))),
      (t) => this.presence.markSessionTouched(t.driverId, t.atMs),
      (error) => this.logger.warn({ msg: 'session touches failed (the next fixes ask again)', error: error.message }),
    );
  }

  /** Sightings still queued are stored before the process goes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.touches.flush();
  }

  async goOnline(driverId: string, input: z.infer<typeof goOnlineSchema>) {
    const member = await this.members.findById(driverId);
    if (!member?.approvedAt) throw new DomainError('DRIVER_NOT_APPROVED');
    const [trip, offer] = await Promise.all([
      this.trips.activeForDriver(this.db.manager, driverId),
      this.offers.pendingForDriver(this.db.manager, driverId),
    ]);
    const availability: DriverAvailability = trip ? 'on_trip' : offer ? 'offered' : 'free';
    const now = this.clock.nowMs();
    const previous = await this.presence.get(driverId);
    // Going online again while still present (a reconnect) continues the same session.
    const sessionId = previous?.sessionId ?? (await this.activity.startSession(driverId, new Date(now)));
    await this.presence.upsert(
      driverId,
      {
        vehicle: {
          kind: input.vehicle.kind,
          seats: input.vehicle.seats ?? defaultSeats[input.vehicle.kind],
          accessible: input.vehicle.accessible ?? false,
        },
        onlineSinceMs: previous?.onlineSinceMs ?? now,
        idleSinceMs: previous?.idleSinceMs ?? now,
        availability,
        activeTripId: trip?.id ?? null,
        activeRiderId: trip?.riderId ?? null,
        sessionId,
        sessionTouchedMs: previous?.sessionTouchedMs ?? now,
      },
      PRESENCE_TTL_SECONDS,
    );
    return { availability };
  }

  /**
   * A location fix: stored in presence (the one round trip, batched with the other fixes of
   * the same turn), the session's sighting queued when due, the fix forwarded to the rider of
   * the trip being driven.
   */
  async fix(driverId: string, input: LocationFix): Promise<void> {
    const now = this.clock.nowMs();
    const at = Date.parse(input.at);
    if (at > now + MAX_CLOCK_AHEAD_MS) {
      throw new DomainError('VALIDATION_FAILED', 'the fix is stamped in the future', [{ path: 'at', message: 'ahead of the server clock' }]);
    }
    const state = await this.presence.fix(driverId, { lat: input.lat, lng: input.lng, headingDeg: input.heading ?? null, fixAtMs: Math.min(at, now) }, PRESENCE_TTL_SECONDS);
    if (!state) throw new DomainError('DRIVER_NOT_ONLINE');
    if (state.sessionId && now - state.sessionTouchedMs >= SESSION_TOUCH_MS) this.touches.add({ driverId, sessionId: state.sessionId, atMs: now });
    if (state.activeTripId && state.activeRiderId) {
      this.notifier.toRider(state.activeRiderId, 'driver:location', { tripId: state.activeTripId, lat: input.lat, lng: input.lng });
    }
  }

  async goOffline(driverId: string) {
    const state = await this.presence.get(driverId);
    if (state?.sessionId) await this.touchSession(driverId, state.sessionId, this.clock.nowMs());
    await this.presence.remove(driverId);
    return {};
  }

  private async touchSession(driverId: string, sessionId: string, now: number): Promise<void> {
    await this.activity.touchSession(sessionId, new Date(now));
    await this.presence.patch(driverId, { sessionTouchedMs: now }, PRESENCE_TTL_SECONDS);
  }

  /** What a reconnecting driver must see again: a pending offer, the trip they are driving. */
  async resume(driverId: string): Promise<Array<[string, object]>> {
    const out: Array<[string, object]> = [];
    const offer = await this.offers.pendingForDriver(this.db.manager, driverId);
    if (offer) {
      const trip = await this.trips.find(this.db.manager, offer.tripId);
      if (trip) out.push(['offer', offerPayload(trip, offer, offer.decisionIndex)]);
    }
    const trip = await this.trips.activeForDriver(this.db.manager, driverId);
    if (trip) out.push(['trip:updated', { tripId: trip.id, status: trip.status }]);
    return out;
  }
}
