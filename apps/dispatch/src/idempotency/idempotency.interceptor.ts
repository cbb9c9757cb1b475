import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { Observable, from, of, throwError } from 'rxjs';
import { catchError, mergeMap, switchMap } from 'rxjs/operators';
import { canonicalize } from '@coop/canonical-json';
import { DomainError, Principal } from '@coop/platform';
import { IdempotencyRepository } from './idempotency.repository';

const ANONYMOUS = '00000000-0000-0000-0000-000000000000';
/** A claim unanswered this long belongs to a process that died: a retry may take it over. */
const STALE_SECONDS = 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/**
 * The API's bodies nest three levels deep; hashing one recurses, and a 64 KiB body can nest
 * thousands of levels, past the stack. Such a body is refused before it is hashed.
 */
const MAX_BODY_DEPTH = 32;

/** How deeply arrays and objects nest in a parsed JSON value (iterative: the value may be hostile). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * `Idempotency-Key` on any POST (../shared/API.md): the first answer is stored and a retry
 * with the same key and body gets it again; the same key with another body is a 409.
 * Keys are scoped per member, so two members cannot collide.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return throwError(() => new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 visible ASCII characters'));
    }
    if (nestingDepth(request.body) > MAX_BODY_DEPTH) {
      return throwError(() => new DomainError('VALIDATION_FAILED', `the body nests more than ${MAX_BODY_DEPTH} levels deep`));
    }
    const response = context.switchToHttp().getResponse<Response>();
    const scope = request.principal?.memberId ?? ANONYMOUS;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.path}\n${canonicalize(request.body ?? null)}`)
      .digest('hex');
    return from(this.begin(scope, key, requestHash)).pipe(
      switchMap((stored) => {
        if (stored) {
          response.status(stored.statusCode);
          return of(stored.response);
        }
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.keys.complete(scope, key, response.statusCode, body);
            return body;
          }),
          catchError((error) => from(this.keys.release(scope, key)).pipe(switchMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  /** Claims the key, or returns the stored answer to replay; throws on misuse. */
  private async begin(scope: string, key: string, requestHash: string): Promise<{ statusCode: number; response: unknown } | undefined> {
    if (await this.keys.claim(scope, key, requestHash)) return undefined;
    const stored = await this.keys.find(scope, key, STALE_SECONDS);
    if (!stored) return this.begin(scope, key, requestHash); // released in between: claim again
    if (stored.requestHash !== requestHash) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
    if (stored.statusCode !== null) return { statusCode: stored.statusCode, response: stored.response };
    if (stored.stale && (await this.keys.retake(scope, key, STALE_SECONDS))) return undefined;
    throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
  }
}
