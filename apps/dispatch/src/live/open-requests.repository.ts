import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LiveRequest } from './live-snapshot';

/** Trips waiting for a driver (requested or offered), for the members' live view. */
@Injectable()
export class OpenRequestsRepository {
  constructor(private readonly db: DataSource) {}

  async all(): Promise<LiveRequest[]> {
    const rows: { lat: number; lng: number; requested_ms: string }[] = await this.db.query(
      `SELECT pickup_lat AS lat, pickup_lng AS lng, (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms
         FROM trips WHERE status IN ('requested', 'offered')`,
    );
    return rows.map((r) => ({ lat: r.lat, lng: r.lng, requestedAtMs: Number(r.requested_ms) }));
  }
}
