import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FarePolicy, parseFarePolicy } from '@coop/money';
import { PolicyDocument, policyHash } from '@coop/policy';

/** The policy named by a hash is missing or does not hash to its name: the event cannot be posted. */
export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
}

/**
 * The fare rules a trip was priced under, found by the policy hash its events carry. The
 * stored document is re-hashed before use, so a row edited after the fact is refused rather
 * than silently posted under other rules. Versions are immutable, so they are cached.
 */
@Injectable()
export class FarePolicyReader {
  private readonly cache = new Map<string, FarePolicy>();

  constructor(private readonly db: DataSource) {}

  async byHash(hash: string): Promise<FarePolicy> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const rows: Array<{ document: PolicyDocument }> = await this.db.query(`SELECT document FROM policies WHERE hash = $1`, [hash]);
    const document = rows[0]?.document;
    if (!document) throw new UnknownPolicyError(`no policy with hash ${hash}`);
    if (policyHash(document) !== hash) throw new UnknownPolicyError(`the stored policy ${hash} does not hash to its name`);
    const fares = parseFarePolicy(document.fares);
    this.cache.set(hash, fares);
    return fares;
  }
}
