import { randomBytes } from 'node:crypto';

/**
 * A trip id as the database makes them (`uuid_v7()`, migration 1763900000864): a UUID version 7
 * (RFC 9562 section 5.7), 48 bits of Unix time in milliseconds, then random bits. Fixtures and
 * benchmarks use it so that the ledger's entry ids (`trip:<id>:...`) arrive in the time order
 * production gives them.
 */
export function tripId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
