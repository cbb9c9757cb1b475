import { QueryFailedError } from 'typeorm';
import { DomainError } from '@coop/platform';
import { answerRefusal } from './trip-answers';

/** An error as pg raises it from a trip function, wrapped as TypeORM wraps it. */
function raised(fields: { code: string; message: string; detail?: string; constraint?: string }): QueryFailedError {
  const driverError = Object.assign(new Error(fields.message), fields);
  return new QueryFailedError('SELECT ... FROM trip_advance(...)', [], driverError);
}

describe('answerRefusal', () => {
  it('turns a CP001 refusal into the DomainError its message names', () => {
    const refusal = answerRefusal(raised({ code: 'CP001', message: 'NOT_YOUR_OFFER' }));
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('NOT_YOUR_OFFER');
  });

  it('words an invalid transition from the status in the detail', () => {
    const refusal = answerRefusal(raised({ code: 'CP001', message: 'INVALID_TRANSITION', detail: 'matched' }), (s) => `cannot start a trip that is ${s}`);
    expect((refusal as DomainError).code).toBe('INVALID_TRANSITION');
    expect((refusal as DomainError).message).toBe('cannot start a trip that is matched');
  });

  it('reads the one-active-trip-per-driver index as DRIVER_BUSY', () => {
    const refusal = answerRefusal(raised({ code: '23505', message: 'duplicate key', constraint: 'trips_one_active_per_driver' }));
    expect((refusal as DomainError).code).toBe('DRIVER_BUSY');
  });

  it('passes any other database error through unchanged', () => {
    const error = raised({ code: '40P01', message: 'deadlock detected' });
    expect(answerRefusal(error)).toBe(error);
  });

  it('refuses to guess at a code the API does not define', () => {
    expect(() => answerRefusal(raised({ code: 'CP001', message: 'NO_SUCH_CODE' }))).toThrow(/unknown code: NO_SUCH_CODE/);
  });
});
