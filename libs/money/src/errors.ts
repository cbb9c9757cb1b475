/**
 * Domain errors of the money library. Each carries a stable `code` that transports map to
 * problem+json or socket errors in one place (see STYLE.md); messages are for humans and may
 * change, codes may not.
 */

/** Every stable error code this library throws; exported so a mapper can switch exhaustively. */
export const MONEY_ERROR_CODES = [
  'MONEY.INVALID_CURRENCY',
  'MONEY.CURRENCY_MISMATCH',
  'MONEY.INVALID_AMOUNT',
  'MONEY.UNSAFE_INTEGER',
  'MONEY.NEGATIVE_AMOUNT',
  'MONEY.INVALID_BASIS_POINTS',
  'FARE.INVALID_POLICY',
  'FARE.SERVICE_NOT_OFFERED',
  'FARE.INVALID_REQUEST',
  'FARE.TIP_REJECTED',
  'LEDGER.UNBALANCED',
  'LEDGER.TOO_FEW_POSTINGS',
  'LEDGER.INVALID_ACCOUNT',
  'LEDGER.ACCOUNT_CURRENCY_MISMATCH',
  'LEDGER.INVALID_TRANSACTION',
  'LEDGER.INVALID_PENDING',
  'LEDGER.IDEMPOTENCY_CONFLICT',
  'ALLOCATION.INVALID_INPUT',
] as const;

/** A stable error code of the money library. */
export type MoneyErrorCode = (typeof MONEY_ERROR_CODES)[number];

/** A domain error with a stable code and optional JSON-safe details for the caller. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';

  constructor(
    readonly code: MoneyErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** True when `e` is a MoneyError, optionally with the given code. */
export function isMoneyError(e: unknown, code?: MoneyErrorCode): e is MoneyError {
  return e instanceof MoneyError && (code === undefined || e.code === code);
}
