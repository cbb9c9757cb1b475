import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, Metrics } from '@coop/platform';
import {
  Checkpoint,
  checkCheckpointConsistency,
  consistencyProof,
  formatCheckpointBody,
  parseCheckpointBody,
  rootHash,
  signCheckpoint,
} from '@coop/transparency-log';
import { CheckpointsRepository } from './checkpoints.repository';
import { LogSigningKey } from './log-signing-key';
import { PgNodeStore } from './pg-node-store';

/** Serializes signers across processes (the job scheduler runs one at a time; a manual call may not). */
const SIGNER_LOCK = 724_002;

/** The log would have signed a tree head that does not extend its last one: a fork, never signed. */
export class CheckpointRefused extends Error {
  override readonly name = 'CheckpointRefused';
}

/**
 * Signs a new checkpoint when the log has grown since the last one. Before signing it proves,
 * from the stored nodes, that the new tree extends the last signed one
 * (checkCheckpointConsistency), and refuses otherwise: "a log MUST NOT sign any checkpoint
 * which is inconsistent with any checkpoint it previously signed" (c2sp.org/tlog-checkpoint).
 */
@Injectable()
export class CheckpointSigner {
  private readonly logger = new Logger('audit');
  private readonly refusals;
  private readonly signedSize;

  constructor(
    private readonly db: DataSource,
    private readonly checkpoints: CheckpointsRepository,
    private readonly key: LogSigningKey,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.refusals = metrics.counter('audit_checkpoint_refusals_total', 'Checkpoints the log refused to sign (inconsistent with the last)', []);
    this.signedSize = metrics.gauge('audit_checkpoint_tree_size', 'Tree size of the latest signed checkpoint', []);
  }

  /** Signs the current tree if it grew (or if nothing was ever signed); returns the size signed, or undefined. */
  async signIfGrown(): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [SIGNER_LOCK]);
      const size = await this.checkpoints.headSize(tx);
      const last = await this.checkpoints.latest(tx);
      if (last && last.treeSize === size) return undefined;
      const store = new PgNodeStore(tx);
      const candidate: Checkpoint = {
        origin: this.key.origin,
        treeSize: size,
        rootHash: await rootHash(store, size),
        timestamp: new Date(this.clock.nowMs()).toISOString(),
      };
      if (last) {
        const older = parseCheckpointBody(last.body);
        const proof = older.treeSize > 0 && older.treeSize <= size ? await consistencyProof(store, older.treeSize, size) : [];
        const check = checkCheckpointConsistency(older, candidate, proof);
        if (!check.ok) {
          this.refusals.inc();
          this.logger.error({ msg: 'refusing to sign an inconsistent checkpoint', reason: check.reason, detail: check.detail });
          throw new CheckpointRefused(`${check.reason}: ${check.detail}`);
        }
      }
      const body = formatCheckpointBody(candidate);
      const stored = await this.checkpoints.insert(tx, {
        treeSize: size,
        rootHash: Buffer.from(candidate.rootHash),
        signedAt: new Date(candidate.timestamp!),
        body,
        signature: signCheckpoint(body, this.key.privateKey),
        keyId: this.key.keyId,
      });
      if (stored) this.signedSize.set(size);
      return stored ? size : undefined;
    });
  }
}
