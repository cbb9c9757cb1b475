import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { ErrorCode, FieldIssue, errorCatalog } from '../errors/error-codes';

/** An RFC 9457 problem document with our stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  issues?: readonly FieldIssue[];
}

/**
 * The one place HTTP errors are shaped: domain errors by their code, framework errors
 * (bad JSON, body too large, unknown route) by their status, anything else as a 500
 * whose details stay in the log.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error);
    problem.instance = request.originalUrl;
    if (problem.status >= 500) this.logger.error(error instanceof Error ? error : String(error));
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof DomainError) return problemOf(error.code, error.message, error.issues);
    const status = error instanceof HttpException ? error.getStatus() : statusOfBodyParserError(error);
    switch (status) {
      case 400:
        return problemOf(isJsonSyntaxError(error) ? 'MALFORMED_JSON' : 'VALIDATION_FAILED', messageOf(error));
      case 404:
        return problemOf('NOT_FOUND', messageOf(error));
      case 413:
        return problemOf('PAYLOAD_TOO_LARGE');
      case 415:
        return problemOf('UNSUPPORTED_MEDIA_TYPE');
      default:
        return problemOf('INTERNAL');
    }
  }
}

/** Builds the problem document of a code. */
export function problemOf(code: ErrorCode, detail?: string, issues?: readonly FieldIssue[]): Problem {
  const { status, title } = errorCatalog[code];
  return {
    type: `https://coop-dispatch.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    code,
    ...(detail && detail !== title ? { detail } : {}),
    ...(issues ? { issues } : {}),
  };
}

function statusOfBodyParserError(error: unknown): number | undefined {
  const e = error as { status?: unknown; type?: unknown };
  return typeof e?.status === 'number' && typeof e.type === 'string' ? e.status : undefined;
}

function isJsonSyntaxError(error: unknown): boolean {
  return (error as { type?: string })?.type === 'entity.parse.failed' || error instanceof SyntaxError;
}

function messageOf(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}
