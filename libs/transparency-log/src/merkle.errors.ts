/**
 * Stable error codes of the transparency log. Functions that build things (proofs, plans,
 * appends, checkpoint bodies) throw {@link TransparencyLogError}; functions that verify
 * untrusted input (proofs, signatures, checkpoint pairs) never throw on bad input and return a
 * result object instead, so a caller cannot forget a try/catch around a security check.
 */
export type TransparencyLogErrorCode =
  /** A size or index is not a non-negative safe integer. */
  | 'MERKLE.INVALID_SIZE'
  /** A leaf index is not below the tree size. */
  | 'MERKLE.INDEX_OUT_OF_RANGE'
  /** A consistency request whose old size is 0 or above the new size. */
  | 'MERKLE.SIZE_OUT_OF_RANGE'
  /** A hash is not 32 bytes. */
  | 'MERKLE.BAD_HASH_LENGTH'
  /** A proof failed verification. */
  | 'MERKLE.BAD_PROOF'
  /** A consistency proof from the empty tree was offered (see verifyConsistency). */
  | 'MERKLE.EMPTY_TREE'
  /** The node store lacks a node that a complete tree of this size must have. */
  | 'MERKLE.NODE_MISSING'
  /** The node store answered a batch with the wrong number of hashes, or an append would overwrite a node with a different hash. */
  | 'MERKLE.STORE_INCONSISTENT'
  /** A checkpoint body does not follow the C2SP tlog-checkpoint layout. */
  | 'CHECKPOINT.MALFORMED'
  /** A key is not a usable Ed25519 key. */
  | 'CHECKPOINT.BAD_KEY';

/** The one error class of this library; switch on `code`, never on the message. */
export class TransparencyLogError extends Error {
  override readonly name = 'TransparencyLogError';

  constructor(
    readonly code: TransparencyLogErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Outcome of verifying untrusted input: `ok`, or the code and a human-readable reason. */
export type VerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: TransparencyLogErrorCode; readonly reason: string };

export const OK: VerifyResult = Object.freeze({ ok: true });

/** Builds a failed {@link VerifyResult}. */
export function fail(code: TransparencyLogErrorCode, reason: string): VerifyResult {
  return { ok: false, code, reason };
}
