import { createHash } from 'node:crypto';
import { canonicalBytes } from '@coop/canonical-json';
import type { PolicyDocument } from './policy-document';

/**
 * The policy's content hash: lowercase hex SHA-256 of its RFC 8785 canonical JSON, so the
 * same rules hash the same on every machine whatever the key order they were written in.
 */
export function policyHash(document: PolicyDocument): string {
  return createHash('sha256').update(canonicalBytes(document)).digest('hex');
}
