import fc from 'fast-check';
import { preparedStatement } from './prepared-statement';
import { TRIP_REQUEST_STATEMENT } from './trip-request';
import { OFFER_IF_UNCHANGED_STATEMENT, OFFER_WRITE_STATEMENT } from '../offers/offer-write';

describe('preparedStatement (a name per statement text)', () => {
  it('one text, one name; two texts, two names (pg refuses one name for two texts on a connection)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      expect(preparedStatement('s', a).name).toBe(preparedStatement('s', a).name);
      if (a !== b) expect(preparedStatement('s', a).name).not.toBe(preparedStatement('s', b).name);
    }));
  });

  it('names fit PostgreSQL identifiers (63 bytes) and the dispatch statements have their own', () => {
    for (const s of [TRIP_REQUEST_STATEMENT, OFFER_WRITE_STATEMENT, OFFER_IF_UNCHANGED_STATEMENT]) expect(s.name).toMatch(/^[a-z_]+_[0-9a-f]{12}$/);
    expect(new Set([TRIP_REQUEST_STATEMENT, OFFER_WRITE_STATEMENT, OFFER_IF_UNCHANGED_STATEMENT].map((s) => s.name)).size).toBe(3);
  });

  it('the dispatch statements name their result columns: no `*` a migration could change under a cached plan', () => {
    for (const s of [TRIP_REQUEST_STATEMENT, OFFER_WRITE_STATEMENT, OFFER_IF_UNCHANGED_STATEMENT]) {
      expect(s.text).not.toMatch(/RETURNING \*/);
      expect(s.text).not.toMatch(/SELECT [a-z_]+\.\*/);
    }
  });
});
