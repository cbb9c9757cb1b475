import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { PSEUDONYM_CACHE_IDS, PseudonymCache, pseudonym } from './pseudonym';

describe('PseudonymCache', () => {
  it('gives what pseudonym gives, per key, whether or not the id was seen', () => {
    const cache = new PseudonymCache();
    const keys = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom(randomUUID(), randomUUID(), randomUUID())), { maxLength: 20 }), (uses) => {
        for (const [k, id] of uses) expect(cache.of(keys[k], id)).toBe(pseudonym(keys[k], id));
      }),
    );
    expect(cache.of(keys[0], 'x')).not.toBe(cache.of(keys[1], 'x'));
  });

  it('starts over when a key has PSEUDONYM_CACHE_IDS ids, and stays right', () => {
    const cache = new PseudonymCache();
    const key = Buffer.alloc(32, 3);
    for (let i = 0; i < PSEUDONYM_CACHE_IDS; i++) cache.of(key, `id-${i}`);
    expect(cache.cachedIds(key)).toBe(PSEUDONYM_CACHE_IDS);
    for (let i = PSEUDONYM_CACHE_IDS; i <= PSEUDONYM_CACHE_IDS + 5; i++) cache.of(key, `id-${i}`);
    expect(cache.cachedIds(key)).toBe(6);
    expect(cache.of(key, 'id-1')).toBe(pseudonym(key, 'id-1'));
    expect(cache.of(key, `id-${PSEUDONYM_CACHE_IDS + 5}`)).toBe(pseudonym(key, `id-${PSEUDONYM_CACHE_IDS + 5}`));
  });
});
