import { Injectable } from '@nestjs/common';
import { SecretStore } from '@coop/platform';

const PERIOD_RE = /^\d{4}(-\d{2}|-W\d{2})?$/;

/**
 * The secret key of each pseudonym period, shared by every process through the secrets table
 * (the first process to need a period's key creates it). Keys are never published: without
 * one, a pseudonym cannot be tested against a guessed member id.
 */
@Injectable()
export class PseudonymKeys {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(private readonly secrets: SecretStore) {}

  /** The key of a period such as "2026-11" or "2026-W47". */
  keyFor(period: string): Promise<Buffer> {
    if (!PERIOD_RE.test(period)) throw new RangeError(`not a pseudonym period: ${period}`);
    let key = this.cache.get(period);
    if (!key) {
      key = this.secrets.getOrCreate(`audit-pseudonym-key:${period}`).then((b64) => Buffer.from(b64, 'base64'));
      key.catch(() => this.cache.delete(period));
      this.cache.set(period, key);
    }
    return key;
  }
}
