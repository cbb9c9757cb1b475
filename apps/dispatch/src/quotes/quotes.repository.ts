import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { FareBreakdownJson } from '@coop/money';
import type { Point } from '@coop/platform';
import type { JobKind, VehicleKind } from '../trips/trip.types';

export interface Quote {
  id: string;
  riderId: string;
  kind: JobKind;
  vehicleKind: VehicleKind;
  pickup: Point;
  dropoff: Point;
  distanceM: number;
  durationS: number;
  fareAmount: bigint;
  currency: string;
  fareBreakdown: FareBreakdownJson;
  policyVersion: number;
  policyHash: string;
  expiresAt: Date;
  expired: boolean;
}

/** Upfront quotes: the fare a trip will be requested at, under the policy of that moment. */
@Injectable()
export class QuotesRepository {
  constructor(private readonly db: DataSource) {}

  async insert(quote: Omit<Quote, 'id' | 'expiresAt' | 'expired'>, ttlSeconds: number): Promise<{ id: string; expiresAt: Date }> {
    const rows: { id: string; expires_at: Date }[] = await this.db.query(
      `INSERT INTO quotes (rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, distance_m,
                           duration_s, fare_amount, currency, fare_breakdown, policy_version, policy_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now() + make_interval(secs => $15))
       RETURNING id, expires_at`,
      [
        quote.riderId, quote.kind, quote.vehicleKind, quote.pickup.lat, quote.pickup.lng, quote.dropoff.lat,
        quote.dropoff.lng, quote.distanceM, quote.durationS, quote.fareAmount.toString(), quote.currency,
        quote.fareBreakdown, quote.policyVersion, quote.policyHash, ttlSeconds,
      ],
    );
    return { id: rows[0].id, expiresAt: rows[0].expires_at };
  }

  /** A quote with `expired` judged by the database's clock. */
  async find(db: EntityManager, id: string): Promise<Quote | undefined> {
    const rows: Record<string, unknown>[] = await db.query(`SELECT *, expires_at <= now() AS expired FROM quotes WHERE id = $1`, [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id as string,
      riderId: r.rider_id as string,
      kind: r.kind as JobKind,
      vehicleKind: r.vehicle_kind as VehicleKind,
      pickup: { lat: r.pickup_lat as number, lng: r.pickup_lng as number },
      dropoff: { lat: r.dropoff_lat as number, lng: r.dropoff_lng as number },
      distanceM: r.distance_m as number,
      durationS: r.duration_s as number,
      fareAmount: BigInt(r.fare_amount as string),
      currency: (r.currency as string).trim(),
      fareBreakdown: r.fare_breakdown as FareBreakdownJson,
      policyVersion: r.policy_version as number,
      policyHash: r.policy_hash as string,
      expiresAt: r.expires_at as Date,
      expired: r.expired as boolean,
    };
  }
}
