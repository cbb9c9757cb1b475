import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { MatchingPolicy, SupplyIndex } from '@coop/matching';
import { RedisConnections } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { DriverPresence } from './driver-presence';
import { PresenceStore, parsePresenceMessage } from './presence.store';

/**
 * This process's in-memory view of every online driver: the matching library's supply
 * index, filled from Redis at start and kept current by the presence channel, so a
 * candidate search costs no round trip while Redis stays the truth shared by all processes.
 */
@Injectable()
export class SupplyView implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('supply');
  private index!: SupplyIndex;
  private subscriber?: Redis;
  private earningsChanges = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly connections: RedisConnections,
    private readonly policy: PolicyService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.policy.ready();
    this.index = new SupplyIndex(this.policy.inForce().document.matching);
    const touched = new Set<string>();
    this.subscriber = this.connections.create();
    this.subscriber.on('message', (_channel: string, message: string) => {
      const change = parsePresenceMessage(message);
      if (!change) return;
      touched.add(change.removed ? change.driverId : change.presence.driverId);
      if (change.removed) this.index.remove(change.driverId);
      else this.apply(change.presence);
    });
    await this.subscriber.subscribe(this.store.channel);
    // Changes that arrived while loading are newer than the snapshot: keep them.
    for (const presence of await this.store.all()) if (!touched.has(presence.driverId)) this.apply(presence);
    touched.clear();
    this.logger.log({ msg: 'supply view loaded', drivers: this.index.size });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** The index for the matching policy in force; rebuilt when the policy changes. */
  current(policy: MatchingPolicy): SupplyIndex {
    if (this.index.policy !== policy) {
      const drivers = this.index.all();
      this.index = new SupplyIndex(policy);
      for (const d of drivers) {
        this.index.upsert({ ...d, position: { lat: d.position.latE6 / 1e6, lng: d.position.lngE6 / 1e6 } });
      }
    }
    return this.index;
  }

  /** Counts changes to any driver's fairness figures, so the co-op median is recomputed only when they move. */
  get earningsVersion(): number {
    return this.earningsChanges;
  }

  get size(): number {
    return this.index.size;
  }

  private apply(p: DriverPresence): void {
    if (!Number.isFinite(p.lat) || !Number.isFinite(p.fixAtMs)) return; // online, no fix yet
    const before = this.index.get(p.driverId);
    if (!before || before.earnedMinor !== (p.earnedMinor ?? 0) || before.onlineSeconds !== (p.onlineSeconds ?? 0)) this.earningsChanges += 1;
    this.index.upsert({
      driverId: p.driverId,
      vehicle: p.vehicle,
      position: { lat: p.lat, lng: p.lng },
      fixAtMs: p.fixAtMs,
      status: p.availability,
      idleSinceMs: p.idleSinceMs,
      earnedMinor: p.earnedMinor,
      onlineSeconds: p.onlineSeconds,
    });
  }
}
