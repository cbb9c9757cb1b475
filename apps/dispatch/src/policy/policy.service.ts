import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PolicyVersion, defaultPolicy, policyHash } from '@coop/policy';
import { PolicyRepository } from './policy.repository';

const REFRESH_MS = 5_000;

/**
 * The policy in force, kept in memory and re-read every few seconds so a newly activated
 * version reaches every process quickly. Every stored version is cached too, loaded with each
 * refresh: a trip request builds its decision leaf while it holds a pool connection, and a
 * version read through the same pool then could wait on connections that all wait on it (the
 * first-burst deadlock of the pseudonym keys, apps/dispatch/PERFORMANCE.md). A version newer
 * than the last refresh is still read on demand.
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnApplicationShutdown {
  private current?: PolicyVersion;
  private readonly byVersion = new Map<number, PolicyVersion>();
  private timer?: NodeJS.Timeout;
  private loading?: Promise<void>;

  constructor(private readonly policies: PolicyRepository) {}

  async onModuleInit(): Promise<void> {
    await this.ready();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  /** Resolves once the policy in force is loaded (other providers' init may run first). */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      await this.policies.insertFirst(defaultPolicy, policyHash(defaultPolicy));
      await this.refresh();
    })();
    return this.loading;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The version in force now. */
  inForce(): PolicyVersion {
    if (!this.current) throw new Error('policy not loaded yet');
    return this.current;
  }

  /** A specific version (immutable, so cached forever). */
  async version(version: number): Promise<PolicyVersion | undefined> {
    const cached = this.byVersion.get(version);
    if (cached) return cached;
    const found = await this.policies.byVersion(version);
    if (found) this.byVersion.set(version, found);
    return found;
  }

  private newestCached(): number {
    let newest = 0;
    for (const version of this.byVersion.keys()) newest = Math.max(newest, version);
    return newest;
  }

  /** Re-reads the version in force (also called right after an activation). */
  async refresh(): Promise<void> {
    for (const stored of await this.policies.after(this.newestCached())) this.byVersion.set(stored.version, stored);
    const found = await this.policies.inForce();
    if (found) {
      this.current = found;
      this.byVersion.set(found.version, found);
    }
  }
}
