import { z } from 'zod';
import { DomainError } from '../errors/domain-error';

/**
 * Validates untrusted input against a schema; failure is a VALIDATION_FAILED domain error
 * listing every bad field, so HTTP and socket callers get the same answer.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  throw new DomainError('VALIDATION_FAILED', `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
