import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@coop/platform';
import { DriverAvailability, DriverPresence } from './driver-presence';

// Writes the given fields of a driver, refreshes the expiry, and publishes the whole state,
// in one round trip and atomically, so every process's view sees changes in Redis's order.
// An expected revision (or '') makes the write conditional on no availability change since
// it was read; bumpRev (1/0) marks this write as an availability change.
// ARGV: channel, driverId, ttlSeconds, createIfMissing (1/0), expectedRev, bumpRev, field, value, ...
const upsertScript = `
if ARGV[4] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[5] ~= '' and (redis.call('HGET', KEYS[1], 'rev') or '0') ~= ARGV[5] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
if ARGV[6] == '1' then redis.call('HINCRBY', KEYS[1], 'rev', 1) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
local state = cjson.encode(redis.call('HGETALL', KEYS[1]))
redis.call('PUBLISH', ARGV[1], state)
return state`;

// A location fix, the write that comes thousands of times a second: the position and the
// expiry only, and a reply of only what the caller uses (its session and trip, four values
// instead of the whole hash as JSON). The change is published as a short text line
// (`fix <driverId> <lat> <lng> <fixAtMs>`); a driver's first fix publishes the whole state
// instead, since that is when the supply views first take them in (parsePresenceMessage).
// ARGV: channel, driverId, ttlSeconds, lat, lng, headingDeg, fixAtMs. Nil when the driver is offline.
const fixScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local first = redis.call('HEXISTS', KEYS[1], 'lat') == 0
redis.call('HSET', KEYS[1], 'lat', ARGV[4], 'lng', ARGV[5], 'headingDeg', ARGV[6], 'fixAtMs', ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
if first then
  redis.call('PUBLISH', ARGV[1], cjson.encode(redis.call('HGETALL', KEYS[1])))
else
  redis.call('PUBLISH', ARGV[1], 'fix ' .. ARGV[2] .. ' ' .. ARGV[4] .. ' ' .. ARGV[5] .. ' ' .. ARGV[7])
end
return redis.call('HMGET', KEYS[1], 'sessionId', 'sessionTouchedMs', 'activeTripId', 'activeRiderId')`;

// Several fixes in one call (a run of fixes queued in the same turn of the event loop): as
// the fix script for each, with their fix lines published as one message, one per line.
// KEYS: the online set, then each driver's hash. ARGV: channel, ttlSeconds, then per fix
// driverId, lat, lng, headingDeg, fixAtMs. Replies per fix: 0 when offline, else the four fields.
const fixesScript = `
local out, lines = {}, {}
for i = 2, #KEYS do
  local key, a = KEYS[i], 3 + (i - 2) * 5
  if redis.call('EXISTS', key) == 0 then
    out[#out + 1] = 0
  else
    local first = redis.call('HEXISTS', key, 'lat') == 0
    redis.call('HSET', key, 'lat', ARGV[a + 1], 'lng', ARGV[a + 2], 'headingDeg', ARGV[a + 3], 'fixAtMs', ARGV[a + 4])
    redis.call('EXPIRE', key, ARGV[2])
    redis.call('SADD', KEYS[1], ARGV[a])
    if first then
      redis.call('PUBLISH', ARGV[1], cjson.encode(redis.call('HGETALL', key)))
    else
      lines[#lines + 1] = 'fix ' .. ARGV[a] .. ' ' .. ARGV[a + 1] .. ' ' .. ARGV[a + 2] .. ' ' .. ARGV[a + 4]
    end
    out[#out + 1] = redis.call('HMGET', key, 'sessionId', 'sessionTouchedMs', 'activeTripId', 'activeRiderId')
  end
end
if #lines > 0 then redis.call('PUBLISH', ARGV[1], table.concat(lines, '\\n')) end
return out`;

// Records that the session's last sighting was stored; nothing to publish (no view reads it).
// ARGV: sessionTouchedMs.
const sessionTouchedScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'sessionTouchedMs', ARGV[1])
return 1`;

const removeScript = `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[1], cjson.encode({'driverId', ARGV[2], 'removed', '1'}))
return 1`;

const script = (lua: string) => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const scripts = {
  write: script(upsertScript),
  fix: script(fixScript),
  fixes: script(fixesScript),
  sessionTouched: script(sessionTouchedScript),
  remove: script(removeScript),
};

/** One queued write: its arguments and the caller's promise. */
interface PendingWrite {
  command: keyof typeof scripts;
  args: Array<string | number>;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** The raw fields of a driver's entry, including the trip they are on (activeTripId, activeRiderId). */
export type PresenceFields = Record<string, string>;

/** What a fix needs back from the store: the session to keep alive and the rider to forward the fix to. */
export interface FixReply {
  sessionId: string | null;
  sessionTouchedMs: number;
  activeTripId: string | null;
  activeRiderId: string | null;
}

/** A location fix to store. */
export interface StoredFix {
  lat: number;
  lng: number;
  headingDeg: number | null;
  fixAtMs: number;
}

/** A presence change as published on the channel: a whole state, a removal, or a fix of a driver already seen. */
export type PresenceMessage =
  | { removed: true; driverId: string }
  | { removed: false; presence: DriverPresence }
  | { fix: true; driverId: string; lat: number; lng: number; fixAtMs: number };

/**
 * Driver presence in Redis: the truth every dispatch process shares. One hash per online
 * driver, a set of online ids, and a pub/sub channel carrying each change to the
 * in-memory views.
 */
@Injectable()
export class PresenceStore {
  private readonly prefix: string;
  readonly channel: string;
  private queue: PendingWrite[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:presence`;
    this.channel = `${this.prefix}:changes`;
    // Loaded up front and after every reconnect, so writes can go as EVALSHA; NOSCRIPT stays a fallback.
    const load = () => void Promise.all(Object.values(scripts).map((s) => redis.script('LOAD', s.lua))).catch(() => undefined);
    redis.on('ready', load);
    if (redis.status === 'ready') load();
  }

  /** Writes fields of a driver, creating the entry (going online). Expires if the driver goes silent. */
  async upsert(driverId: string, fields: Partial<DriverPresence>, ttlSeconds: number): Promise<PresenceFields> {
    return this.write(driverId, fields, ttlSeconds, true) as Promise<PresenceFields>;
  }

  /** Updates fields of an online driver; undefined (and nothing written) when the driver is offline. */
  async patch(driverId: string, fields: Partial<DriverPresence>, ttlSeconds: number): Promise<PresenceFields | undefined> {
    return this.write(driverId, fields, ttlSeconds, false);
  }

  /**
   * Stores a location fix of an online driver (position and expiry, nothing else);
   * undefined (and nothing written) when the driver is offline.
   */
  async fix(driverId: string, fix: StoredFix, ttlSeconds: number): Promise<FixReply | undefined> {
    const reply = (await this.enqueue('fix', [this.key(driverId), this.onlineKey(), this.channel, driverId, ttlSeconds,
      String(fix.lat), String(fix.lng), fix.headingDeg === null ? '' : String(fix.headingDeg), String(fix.fixAtMs)])) as Array<string | null> | null;
    if (!reply) return undefined;
    return {
      sessionId: reply[0] || null,
      sessionTouchedMs: reply[1] ? Number(reply[1]) : 0,
      activeTripId: reply[2] || null,
      activeRiderId: reply[3] || null,
    };
  }

  /** Notes that a session's last sighting is stored (so fixes stop asking for it); a no-op once the driver is offline. */
  async markSessionTouched(driverId: string, touchedMs: number): Promise<void> {
    await this.enqueue('sessionTouched', [this.key(driverId), touchedMs]);
  }

  private async write(
    driverId: string,
    fields: Partial<DriverPresence>,
    ttl: number,
    create: boolean,
    guard: { expectedRev?: number } = {},
  ): Promise<PresenceFields | undefined> {
    const changesAvailability = fields.availability !== undefined;
    const result = await this.enqueue('write', [this.key(driverId), this.onlineKey(), this.channel,
      driverId, ttl, create ? 1 : 0, guard.expectedRev === undefined ? '' : String(guard.expectedRev), changesAvailability ? 1 : 0,
      'driverId', driverId, ...flatten(fields)]);
    return typeof result === 'string' ? toHash(JSON.parse(result) as string[]) : undefined;
  }

  /**
   * Writes go out once per turn of the event loop, all of that turn's in one pipeline: at
   * thousands of fixes a second, one socket write (and one read of the replies) per batch
   * instead of per fix. A pipeline keeps their order, so a driver's writes land as issued.
   * (Reads are not queued: a caller reads after awaiting its write, which has landed by then.)
   */
  private enqueue(command: keyof typeof scripts, args: Array<string | number>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ command, args, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    try {
      this.send(toUnits(batch));
    } catch (error) {
      // A bug here must fail these writes, not the process (this runs from setImmediate).
      for (const w of batch) w.reject(error as Error);
    }
  }

  private send(units: Unit[]): void {
    // EVALSHA (not the script's text with every write); a Redis that lost its scripts (restart,
    // SCRIPT FLUSH) answers NOSCRIPT, and those writes go again with the text, in order.
    if (units.length === 1) {
      // The usual case below a few thousand fixes a second; a pipeline object costs more than the command.
      const u = units[0];
      this.redis.evalsha(scripts[u.command].sha, u.keys, ...u.args).then(u.deliver, (error: Error) => {
        if (!error.message.startsWith('NOSCRIPT')) return u.fail(error);
        this.redis.eval(scripts[u.command].lua, u.keys, ...u.args).then(u.deliver, u.fail);
      });
      return;
    }
    const pipeline = this.redis.pipeline();
    for (const u of units) pipeline.evalsha(scripts[u.command].sha, u.keys, ...u.args);
    pipeline.exec().then(
      async (results) => {
        for (let i = 0; i < units.length; i++) {
          const u = units[i];
          let [error, result] = results?.[i] ?? [new Error('presence write: no reply'), undefined];
          if (error?.message.startsWith('NOSCRIPT')) {
            try {
              [error, result] = [null, await this.redis.eval(scripts[u.command].lua, u.keys, ...u.args)];
            } catch (e) {
              error = e as Error;
            }
          }
          if (error) u.fail(error);
          else u.deliver(result);
        }
      },
      (error: Error) => units.forEach((u) => u.fail(error)),
    );
  }

  /** Marks an online driver free, holding an offer, or on a trip (a hint for the matcher). */
  async setAvailability(
    driverId: string,
    availability: DriverAvailability,
    nowMs: number,
    ttlSeconds: number,
    options: { trip?: { tripId: string; riderId: string }; resetIdle?: boolean; expectedRev?: number } = {},
  ): Promise<boolean> {
    // Idle time restarts after a trip, not after a declined or lapsed offer: declining must
    // never cost a driver their place (the matching policy's rule).
    const fields: Partial<DriverPresence> = options.resetIdle ? { availability, idleSinceMs: nowMs } : { availability };
    const trip = options.trip;
    if (availability === 'on_trip' && trip) Object.assign(fields, { activeTripId: trip.tripId, activeRiderId: trip.riderId });
    // Only a driver on a trip has a rider to forward fixes to.
    if (availability !== 'on_trip') Object.assign(fields, { activeTripId: null, activeRiderId: null });
    return (await this.write(driverId, fields, ttlSeconds, false, { expectedRev: options.expectedRev })) !== undefined;
  }

  async remove(driverId: string): Promise<void> {
    // Queued with the writes, so a removal never overtakes a write issued before it.
    await this.enqueue('remove', [this.key(driverId), this.onlineKey(), this.channel, driverId]);
  }

  async get(driverId: string): Promise<DriverPresence | undefined> {
    return parsePresence(await this.redis.hgetall(this.key(driverId)));
  }

  /** Every online driver (to fill a new process's view); forgets ids whose hash expired. */
  async all(): Promise<DriverPresence[]> {
    const ids = await this.redis.smembers(this.onlineKey());
    const out: DriverPresence[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const pipeline = this.redis.pipeline();
      for (const id of batch) pipeline.hgetall(this.key(id));
      const results = (await pipeline.exec()) ?? [];
      const gone: string[] = [];
      results.forEach(([, hash], j) => {
        const presence = parsePresence(hash as Record<string, string>);
        if (presence) out.push(presence);
        else gone.push(batch[j]);
      });
      if (gone.length) await this.redis.srem(this.onlineKey(), ...gone);
    }
    return out;
  }

  private key(driverId: string): string {
    return `${this.prefix}:driver:${driverId}`;
  }

  private onlineKey(): string {
    return `${this.prefix}:online`;
  }
}

/** How many of a script's arguments are keys. */
const keyCount: Record<Exclude<keyof typeof scripts, 'fixes'>, number> = { write: 2, fix: 2, sessionTouched: 1, remove: 2 };

/** The most fixes one `fixes` call carries (6 arguments each). */
export const MAX_FIXES_PER_CALL = 256;

/** One script call of a flush, and how its reply reaches the callers. */
interface Unit {
  command: keyof typeof scripts;
  keys: number;
  args: Array<string | number>;
  deliver(result: unknown): void;
  fail(error: Error): void;
}

/**
 * A flush's writes as script calls, in order: each write on its own, except that a run of
 * two or more fixes in a row becomes one `fixes` call (the fix args are: key, onlineKey,
 * channel, driverId, ttl, lat, lng, headingDeg, fixAtMs). Only consecutive fixes are merged,
 * so no write moves past another.
 */
function toUnits(batch: PendingWrite[]): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < batch.length; ) {
    let j = i;
    // Bounded: a turn that queued tens of thousands of fixes (a stalled loop catching up) must
    // not become one call whose arguments overflow the stack when spread, nor one long script.
    while (j < batch.length && j - i < MAX_FIXES_PER_CALL && batch[j].command === 'fix') j++;
    if (j - i >= 2) {
      const run = batch.slice(i, j);
      const first = run[0].args;
      const keys: Array<string | number> = [first[1]];
      const argv: Array<string | number> = [first[2], first[4]];
      for (const w of run) {
        keys.push(w.args[0]);
        argv.push(w.args[3], w.args[5], w.args[6], w.args[7], w.args[8]);
      }
      units.push({
        command: 'fixes',
        keys: keys.length,
        args: [...keys, ...argv],
        deliver: (result) => {
          const replies = result as Array<0 | Array<string | null>>;
          run.forEach((w, k) => w.resolve(replies[k] === 0 ? null : replies[k]));
        },
        fail: (error) => run.forEach((w) => w.reject(error)),
      });
      i = j;
      continue;
    }
    const w = batch[i++];
    units.push({ command: w.command, keys: keyCount[w.command as keyof typeof keyCount], args: w.args, deliver: w.resolve, fail: w.reject });
  }
  return units;
}

/**
 * Decodes a published change: a fix line (`fix <driverId> <lat> <lng> <fixAtMs>`), or cjson
 * of HGETALL (a flat [field, value, ...] array) or of a removal.
 */
export function parsePresenceMessage(message: string): PresenceMessage | undefined {
  if (message.startsWith('fix ')) return parseFixLine(message);
  const flat = JSON.parse(message) as string[] | Record<string, string>;
  const hash = Array.isArray(flat) ? toHash(flat) : flat;
  if (hash.removed === '1') return { removed: true, driverId: hash.driverId };
  const presence = parsePresence(hash);
  return presence && { removed: false, presence };
}

/** The fixes of a published fix message: one per line (`fix <driverId> <lat> <lng> <fixAtMs>`). */
export function parseFixLines(message: string): Array<Extract<PresenceMessage, { fix: true }>> {
  return message.split('\n').map(parseFixLine);
}

function parseFixLine(line: string): Extract<PresenceMessage, { fix: true }> {
  const [, driverId, lat, lng, fixAtMs] = line.split(' ');
  return { fix: true, driverId, lat: Number(lat), lng: Number(lng), fixAtMs: Number(fixAtMs) };
}

function toHash(flat: string[]): PresenceFields {
  const hash: PresenceFields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]] = flat[i + 1];
  return hash;
}

function flatten(fields: Partial<DriverPresence>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'vehicle') {
      const v = value as DriverPresence['vehicle'];
      out.push('vehicleKind', v.kind, 'seats', String(v.seats), 'accessible', v.accessible ? '1' : '0');
    } else {
      out.push(key, value === null ? '' : String(value));
    }
  }
  return out;
}

function parsePresence(hash: Record<string, string> | null | undefined): DriverPresence | undefined {
  if (!hash || !hash.driverId || hash.lat === undefined) return undefined;
  return {
    driverId: hash.driverId,
    lat: Number(hash.lat),
    lng: Number(hash.lng),
    headingDeg: hash.headingDeg ? Number(hash.headingDeg) : null,
    vehicle: {
      kind: hash.vehicleKind as DriverPresence['vehicle']['kind'],
      seats: Number(hash.seats),
      accessible: hash.accessible === '1',
    },
    fixAtMs: Number(hash.fixAtMs),
    onlineSinceMs: Number(hash.onlineSinceMs),
    idleSinceMs: Number(hash.idleSinceMs),
    availability: (hash.availability as DriverAvailability) ?? 'free',
    activeTripId: hash.activeTripId || null,
    activeRiderId: hash.activeRiderId || null,
    rev: hash.rev ? Number(hash.rev) : 0,
    onlineSeconds: hash.onlineSeconds ? Number(hash.onlineSeconds) : 0,
    earnedMinor: hash.earnedMinor ? Number(hash.earnedMinor) : 0,
    sessionId: hash.sessionId || null,
    sessionTouchedMs: hash.sessionTouchedMs ? Number(hash.sessionTouchedMs) : 0,
  };
}
