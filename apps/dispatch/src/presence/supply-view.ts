import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { MatchingPolicy, SupplyIndex } from '@coop/matching';
import { RedisConnections } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { DriverPresence } from './driver-presence';
import { PresenceStore, parseFixLines, parsePresenceMessage } from './presence.store';

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
  /** Drivers changed while a load is running (their message is newer than the snapshot). */
  private touched?: Set<string>;
  /** Drivers being read after a fix of theirs arrived before their whole state. */
  private readonly fetching = new Map<string, object>();

  constructor(
    private readonly store: PresenceStore,
    private readonly connections: RedisConnections,
    private readonly policy: PolicyService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.policy.ready();
    this.index = new SupplyIndex(this.policy.inForce().document.matching);
    this.subscriber = this.connections.create();
    this.subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    await this.subscriber.subscribe(this.store.channel);
    await this.load();
    this.logger.log({ msg: 'supply view loaded', drivers: this.index.size });
    // Messages published while the subscriber was reconnecting are lost: reload then.
    this.subscriber.on('ready', () => void this.load().catch((error: Error) => this.logger.warn({ msg: 'supply view reload failed', error: error.message })));
  }

  /** Fills the view from Redis; changes that arrive while loading are newer than the snapshot, and win. */
  private async load(): Promise<void> {
    const touched = new Set<string>();
    this.touched = touched;
    try {
      const all = await this.store.all();
      const present = new Set(all.map((p) => p.driverId));
      for (const presence of all) if (!touched.has(presence.driverId)) this.apply(presence);
      for (const d of this.index.all()) if (!present.has(d.driverId) && !touched.has(d.driverId)) this.index.remove(d.driverId);
    } finally {
      if (this.touched === touched) this.touched = undefined;
    }
  }

  private onMessage(message: string): void {
    if (message.startsWith('fix ')) {
      // Most messages: fixes of drivers the view holds. One it does not hold (its whole
      // state was published while this subscriber was away) is read from Redis.
      for (const f of parseFixLines(message)) {
        this.touched?.add(f.driverId);
        if (!this.applyFix(f.driverId, f.lat, f.lng, f.fixAtMs)) this.fetch(f.driverId);
      }
      return;
    }
    const change = parsePresenceMessage(message);
    if (!change || 'fix' in change) return;
    const driverId = change.removed ? change.driverId : change.presence.driverId;
    this.touched?.add(driverId);
    this.fetching.delete(driverId);
    if (change.removed) this.index.remove(driverId);
    else this.apply(change.presence);
  }

  /** Moves a driver the view holds; false when it does not hold them. */
  private applyFix(driverId: string, lat: number, lng: number, fixAtMs: number): boolean {
    if (!Number.isFinite(lat) || !Number.isFinite(fixAtMs)) return true; // nothing usable in it
    if (this.index.applyFix(driverId, { lat, lng }, fixAtMs)) return true;
    // The index keeps the newest fix; Redis keeps the last one written. Follow Redis, as a
    // whole-state message would have.
    const d = this.index.get(driverId);
    if (!d) return false;
    this.index.upsert({ ...d, position: { lat, lng }, fixAtMs });
    return true;
  }

  /** Reads one driver's whole state; dropped if a whole state or a removal of them arrives meanwhile. */
  private fetch(driverId: string): void {
    if (this.fetching.has(driverId)) return;
    const token = {};
    this.fetching.set(driverId, token);
    this.store.get(driverId).then(
      (presence) => {
        if (this.fetching.get(driverId) !== token) return;
        this.fetching.delete(driverId);
        if (presence) this.apply(presence);
      },
      () => this.fetching.delete(driverId),
    );
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
