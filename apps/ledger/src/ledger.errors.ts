import { MoneyErrorCode, isMoneyError } from '@coop/money';
import { DomainError, ErrorCode } from '@coop/platform';

/**
 * The one place the money library's codes become client codes (STYLE.md: one mapper per
 * transport, exhaustive). Codes a client cannot cause through the ledger's API become
 * INTERNAL: they mean a bug, and the original error is rethrown so it is logged as one.
 */
function clientCode(code: MoneyErrorCode): ErrorCode | undefined {
  switch (code) {
    case 'FARE.TIP_REJECTED':
      return 'TIP_REJECTED';
    case 'LEDGER.IDEMPOTENCY_CONFLICT':
      return 'LEDGER_IDEMPOTENCY_CONFLICT';
    case 'MONEY.INVALID_CURRENCY':
    case 'MONEY.INVALID_AMOUNT':
    case 'MONEY.UNSAFE_INTEGER':
    case 'MONEY.NEGATIVE_AMOUNT':
    case 'MONEY.CURRENCY_MISMATCH':
      return 'VALIDATION_FAILED';
    case 'MONEY.INVALID_BASIS_POINTS':
    case 'FARE.INVALID_POLICY':
    case 'FARE.SERVICE_NOT_OFFERED':
    case 'FARE.INVALID_REQUEST':
    case 'LEDGER.UNBALANCED':
    case 'LEDGER.TOO_FEW_POSTINGS':
    case 'LEDGER.INVALID_ACCOUNT':
    case 'LEDGER.ACCOUNT_CURRENCY_MISMATCH':
    case 'LEDGER.INVALID_TRANSACTION':
    case 'LEDGER.INVALID_PENDING':
    case 'ALLOCATION.INVALID_INPUT':
      return undefined;
  }
}

/** Runs `fn`, turning client-caused MoneyErrors into DomainErrors with the mapped code. */
export async function asDomainErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isMoneyError(error)) {
      const code = clientCode(error.code);
      if (code) throw new DomainError(code, error.message);
    }
    throw error;
  }
}
