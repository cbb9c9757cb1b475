/**
 * Every error a client can see, with its HTTP status and a human title. The `Record` over
 * the union makes the mapping exhaustive: adding a code without a status fails to compile.
 * Codes are part of the client contract (../shared/API.md): never rename one.
 */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send application/json' },
  UNAUTHENTICATED: { status: 401, title: 'A valid access token is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Email or password is wrong' },
  FORBIDDEN: { status: 403, title: 'Your role does not allow this' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  MEMBER_NOT_FOUND: { status: 404, title: 'No such member' },
  EMAIL_TAKEN: { status: 409, title: 'A member with this email exists' },
  NOT_A_DRIVER: { status: 409, title: 'This member is not a driver' },
  DRIVER_NOT_APPROVED: { status: 403, title: 'The driver is not approved yet' },
  DRIVER_NOT_ONLINE: { status: 409, title: 'Go online first' },
  DRIVER_BUSY: { status: 409, title: 'The driver is on a trip' },
  QUOTE_NOT_FOUND: { status: 404, title: 'No such quote' },
  QUOTE_EXPIRED: { status: 410, title: 'The quote has expired: ask for a new one' },
  QUOTE_ALREADY_USED: { status: 409, title: 'This quote was already used for another trip' },
  RIDER_HAS_ACTIVE_TRIP: { status: 409, title: 'You already have a trip in progress' },
  TRIP_NOT_FOUND: { status: 404, title: 'No such trip' },
  NOT_YOUR_TRIP: { status: 403, title: 'This trip is not yours' },
  INVALID_TRANSITION: { status: 409, title: 'The trip cannot do that in its current status' },
  TRIP_ALREADY_MATCHED: { status: 409, title: 'Another driver already took this trip' },
  TRIP_CANCELLED: { status: 409, title: 'The trip was cancelled' },
  TRIP_NOT_CANCELLABLE: { status: 409, title: 'The trip can no longer be cancelled' },
  OFFER_NOT_FOUND: { status: 404, title: 'No such offer' },
  NOT_YOUR_OFFER: { status: 403, title: 'This offer was made to another driver' },
  OFFER_EXPIRED: { status: 409, title: 'The offer has expired' },
  OFFER_REVOKED: { status: 409, title: 'The offer was withdrawn' },
  OFFER_ALREADY_ANSWERED: { status: 409, title: 'The offer was already answered' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, title: 'This Idempotency-Key was used with another body' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'The first request with this key is still running' },
  UNKNOWN_EVENT: { status: 400, title: 'Unknown event' },
  AUDIT_CHECKPOINT_UNAVAILABLE: { status: 503, title: 'The log has not signed a checkpoint yet' },
  AUDIT_INDEX_OUT_OF_RANGE: { status: 404, title: 'No leaf with this index in a tree of that size' },
  AUDIT_TREE_SIZE_OUT_OF_RANGE: { status: 416, title: 'The log is not that large yet' },
  TRIP_NOT_SETTLED: { status: 409, title: 'The ledger has no completed fare for this trip yet' },
  TIP_REJECTED: { status: 422, title: 'The tip is outside the policy limits' },
  LEDGER_IDEMPOTENCY_CONFLICT: { status: 409, title: 'A ledger entry with this id exists with different content' },
  LEDGER_ENTRY_NOT_FOUND: { status: 404, title: 'No such ledger entry' },
  NOT_REVERSIBLE: { status: 422, title: 'This ledger entry cannot be refunded or corrected' },
  REFUND_EXCEEDS_CHARGE: { status: 409, title: 'The refunds and corrections would take back more than the entry posted' },
  NOT_A_VOTING_MEMBER: { status: 403, title: 'Only members of a class the policy lists may propose and vote' },
  PROPOSAL_NOT_FOUND: { status: 404, title: 'No such proposal' },
  POLICY_INVALID: { status: 422, title: 'The proposed policy is not a valid policy document' },
  PROPOSAL_NO_CHANGE: { status: 422, title: 'The proposal changes nothing in the policy in force' },
  PROPOSAL_DUPLICATES_VERSION: { status: 409, title: 'An earlier policy version has exactly this document: change its title' },
  VOTING_CLOSED: { status: 409, title: 'The voting window of this proposal has closed' },
  VOTING_STILL_OPEN: { status: 409, title: 'The voting window of this proposal is still open' },
  PAYOUT_RUN_NOT_FOUND: { status: 404, title: 'No such payout run' },
  PAYOUT_RUN_IN_PROGRESS: { status: 409, title: 'Another payout run is starting: try again' },
  PAYOUT_NOT_FAILED: { status: 409, title: 'Only a failed payment can be retried' },
  DIVIDEND_PERIOD_CLOSED: { status: 409, title: 'This dividend period is closed' },
  DIVIDEND_PERIOD_NOT_FOUND: { status: 404, title: 'No such dividend period' },
  DIVIDEND_NO_PATRONS: { status: 409, title: 'There is a surplus but no member did business with the co-op in the period' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'A backing service is unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** Field-level detail of a validation failure. */
export interface FieldIssue {
  path: string;
  message: string;
}
