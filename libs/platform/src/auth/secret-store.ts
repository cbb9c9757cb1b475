import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Process-shared secrets that must be the same on every node (the token key, the audit
 * signing key in development). The first process to need one generates it; a concurrent
 * first start keeps whichever row won the insert.
 */
export class SecretStore {
  constructor(private readonly db: DataSource) {}

  /** Returns the named secret, creating it with `generate` when absent. */
  async getOrCreate(name: string, generate: () => string = () => randomBytes(32).toString('base64')): Promise<string> {
    await this.db.query(`INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, generate()]);
    const rows: { value: string }[] = await this.db.query(`SELECT value FROM secrets WHERE name = $1`, [name]);
    return rows[0].value;
  }
}
