/** Stable codes for values that have no RFC 8785 canonical form. */
export type CanonicalJsonErrorCode =
  | 'CANONICAL_JSON.UNDEFINED'
  | 'CANONICAL_JSON.UNSUPPORTED_TYPE'
  | 'CANONICAL_JSON.NON_FINITE_NUMBER'
  | 'CANONICAL_JSON.LONE_SURROGATE'
  | 'CANONICAL_JSON.CYCLE';

/** Thrown by canonicalize when a value cannot be canonicalized; `path` points at it (`$.a[2].b`). */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';

  constructor(
    readonly code: CanonicalJsonErrorCode,
    readonly path: string,
    detail: string,
  ) {
    super(`${code} at ${path}: ${detail}`);
  }
}
