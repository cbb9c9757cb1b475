import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyDocument, PolicyVersion } from '@coop/policy';

/** Stored policy versions; the one in force is the newest whose effective time has come. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly db: DataSource) {}

  async inForce(): Promise<PolicyVersion | undefined> {
    const rows: PolicyVersion[] = await this.db.query(
      `SELECT version, hash, document FROM policies WHERE effective_at <= now() ORDER BY effective_at DESC, version DESC LIMIT 1`,
    );
    return rows[0];
  }

  async byVersion(version: number): Promise<PolicyVersion | undefined> {
    const rows: PolicyVersion[] = await this.db.query(`SELECT version, hash, document FROM policies WHERE version = $1`, [version]);
    return rows[0];
  }

  /** Every version above `version`, oldest first (the versions a process has not cached yet). */
  async after(version: number): Promise<PolicyVersion[]> {
    return this.db.query(`SELECT version, hash, document FROM policies WHERE version > $1 ORDER BY version`, [version]);
  }

  /** Stores version 1 when the table is empty (first boot); concurrent boots insert once. */
  async insertFirst(document: PolicyDocument, hash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`,
      [hash, document],
    );
  }
}
