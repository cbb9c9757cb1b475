/** Stable codes of the matching core's errors; the app maps them to its transport. */
export type MatchingErrorCode =
  | 'MATCHING_DRIVER_UNKNOWN'
  | 'MATCHING_POLICY_INVALID'
  | 'MATCHING_RECORD_INVALID'
  | 'MATCHING_ASSIGNMENT_INPUT';

/** An error of the matching core with a stable code (STYLE.md: domain errors carry codes). */
export class MatchingError extends Error {
  constructor(
    readonly code: MatchingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MatchingError';
  }
}
