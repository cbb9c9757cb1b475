import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DomainError, Principal } from '@coop/platform';
import { consistencyProof, inclusionProof, parseCheckpointBody } from '@coop/transparency-log';
import { PolicyService } from '../policy/policy.service';
import { AuditLogRepository, LeafFilter } from './audit-log.repository';
import { DecisionFilters } from './audit.schemas';
import { DecisionView, Viewer, viewLeaf } from './audit-view';
import { CheckpointsRepository, StoredCheckpoint } from './checkpoints.repository';
import { LogSigningKey } from './log-signing-key';
import { PeriodFairness, TripOutcomes, fairnessReport, tripOutcomes } from './fairness';
import { PgNodeStore } from './pg-node-store';
import { periodBounds, periodOf, pseudonym } from './privacy/pseudonym';
import { PseudonymKeys } from './pseudonym-keys';
import { TripOutcomesRepository } from './trip-outcomes.repository';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The audit read API (../shared/API.md, Audit): tree heads, leaves as each member may see them, proofs. */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly checkpoints: CheckpointsRepository,
    private readonly leaves: AuditLogRepository,
    private readonly key: LogSigningKey,
    private readonly keys: PseudonymKeys,
    private readonly policies: PolicyService,
    private readonly clock: Clock,
    private readonly outcomes: TripOutcomesRepository,
  ) {}

  /** The latest signed tree head. */
  async checkpoint() {
    const cp = await this.latest();
    const parsed = parseCheckpointBody(cp.body);
    return {
      origin: parsed.origin,
      treeSize: cp.treeSize,
      rootHash: cp.rootHash.toString('base64'),
      timestamp: parsed.timestamp ?? cp.signedAt.toISOString(),
      body: cp.body,
      signature: cp.signature,
      keyId: cp.keyId,
    };
  }

  publicKey() {
    return { algorithm: 'ed25519' as const, publicKey: this.key.publicKeyBase64, keyId: this.key.keyId, origin: this.key.origin };
  }

  /**
   * Leaves [from, from + limit) of the committed log, as `principal` may see them; with `kind`,
   * the first `limit` leaves of that kind from `from` (`next`: after the last one).
   */
  async decisions(from: number, limit: number, principal: Principal, filters: DecisionFilters = {}) {
    const treeSize = await this.checkpoints.headSize(this.db);
    if (from > treeSize) throw new DomainError('AUDIT_TREE_SIZE_OUT_OF_RANGE', `the log has ${treeSize} leaves; from ${from} is beyond it`);
    if (filters.mine && principal.role !== 'driver') throw new DomainError('VALIDATION_FAILED', 'mine=true lists a driver\'s own decisions: only for drivers');
    const viewer = this.viewerOf(principal);
    const where: LeafFilter = {
      kind: filters.kind,
      since: filters.since,
      until: filters.until,
      pickupCell: filters.cell,
      // The sealed full record names the driver by id: matched on the server, never shown.
      namesMember: filters.mine ? principal.memberId : undefined,
    };
    const filtered = Object.values(where).some((v) => v !== undefined);
    const stored = await this.leaves.page(this.db, from, limit, treeSize, where);
    const decisions: DecisionView[] = [];
    for (const leaf of stored) decisions.push(await viewLeaf(leaf, viewer));
    const last = stored[stored.length - 1];
    const next = !filtered ? from + decisions.length : last && stored.length === limit ? last.index + 1 : treeSize;
    return { treeSize, from, decisions, ...(next < treeSize ? { next } : {}) };
  }

  /** Inclusion proof of leaf `index` in the tree of `treeSize` (default: the latest checkpoint's). */
  async inclusion(index: number, treeSize?: number) {
    const size = treeSize ?? (await this.latest()).treeSize;
    await this.assertWithinLog(size);
    if (index >= size) throw new DomainError('AUDIT_INDEX_OUT_OF_RANGE', `index ${index} is not below tree size ${size}`);
    const leafHash = await this.leaves.leafHash(this.db, index);
    if (!leafHash) throw new DomainError('AUDIT_INDEX_OUT_OF_RANGE', `no leaf ${index}`);
    const proof = await inclusionProof(new PgNodeStore(this.db), index, size);
    return { index, treeSize: size, leafHash: leafHash.toString('base64'), proof: proof.map(b64) };
  }

  /** Consistency proof from tree size `from` to `to` (default: the latest checkpoint's). */
  async consistency(from: number, to?: number) {
    const size = to ?? (await this.latest()).treeSize;
    await this.assertWithinLog(size);
    if (from > size) throw new DomainError('AUDIT_TREE_SIZE_OUT_OF_RANGE', `from ${from} exceeds to ${size}`);
    const proof = await consistencyProof(new PgNodeStore(this.db), from, size);
    return { from, to: size, proof: proof.map(b64) };
  }

  /**
   * Fairness figures of a pseudonym period (default: the current one): from the public leaves
   * (what a verifier recomputes), plus `outcomes` (trips per driver, wait times) from the trips
   * table, which the log does not hold.
   */
  async fairness(period?: string): Promise<PeriodFairness & { outcomes: TripOutcomes }> {
    const wanted = period ?? periodOf(this.clock.nowMs(), this.policies.inForce().document.privacy?.pseudonymRotation ?? 'monthly');
    const [report] = fairnessReport(await this.leaves.decisionsInPeriod(this.db, wanted));
    const fromLog = report ?? { period: wanted, decisions: 0, drivers: [], offersGini: 0, earningsPerHourGini: 0 };
    const { startMs, endMs } = periodBounds(wanted);
    const rows = await this.outcomes.between(this.db, startMs, endMs);
    const key = await this.keys.keyFor(wanted);
    const perDriver = rows.perDriver.map(({ driverId, trips, completed }) => ({ pseudonym: pseudonym(key, driverId), trips, completed }));
    return { ...fromLog, outcomes: tripOutcomes({ ...rows, perDriver }, fromLog.drivers.map((d) => d.pseudonym)) };
  }

  private async latest(): Promise<StoredCheckpoint> {
    const cp = await this.checkpoints.latest(this.db);
    if (!cp) throw new DomainError('AUDIT_CHECKPOINT_UNAVAILABLE');
    return cp;
  }

  private async assertWithinLog(size: number): Promise<void> {
    const head = await this.checkpoints.headSize(this.db);
    if (size > head) throw new DomainError('AUDIT_TREE_SIZE_OUT_OF_RANGE', `the log has ${head} leaves, not ${size}`);
  }

  private viewerOf(principal: Principal): Viewer {
    if (principal.role === 'admin') return { kind: 'auditor' };
    if (principal.role === 'driver') {
      return {
        kind: 'driver',
        driverId: principal.memberId,
        pseudonymIn: async (period) => pseudonym(await this.keys.keyFor(period), principal.memberId),
      };
    }
    return { kind: 'member' };
  }
}
