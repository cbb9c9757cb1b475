import { ErrorCode, FieldIssue, errorCatalog } from './error-codes';

/**
 * An error the caller caused or can act on, with a stable code. Services throw these and
 * never HTTP exceptions; each transport maps the code (HTTP problem+json, socket ack).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message ?? errorCatalog[code].title);
    this.name = 'DomainError';
  }
}

/** The socket.io acknowledgement shape of a failure (../shared/API.md conventions). */
export interface ErrorAck {
  ok: false;
  error: { code: ErrorCode; message: string; issues?: readonly FieldIssue[] };
}

/** Turns any thrown value into a socket ack; unknown errors become INTERNAL without details. */
export function toErrorAck(error: unknown): ErrorAck {
  if (error instanceof DomainError) {
    return {
      ok: false,
      error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
    };
  }
  return { ok: false, error: { code: 'INTERNAL', message: errorCatalog.INTERNAL.title } };
}
