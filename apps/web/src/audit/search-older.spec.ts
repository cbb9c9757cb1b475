import { DecisionEntry } from './leaf-types';
import { OlderPages, searchOlder } from './search-older';

/** A log of `size` entries, entry i decided at minute i, with every `every`-th one in cell "c1". */
function log(size: number, pageSize: number, every: number): OlderPages & { pagesRead: number } {
  let before = size;
  const entry = (index: number): DecisionEntry => ({
    index,
    leafHash: '',
    leaf: { kind: 'dispatch_decision', record: { mode: 'immediate', nowMs: index * 60_000, rule: '', policy: { version: '1', hash: '', matching: {} }, search: { pickupCell: index % every === 0 ? 'c1' : 'c2', h3Resolution: 7, ringsSearched: 1 } } },
  });
  return {
    pagesRead: 0,
    get hasOlder() {
      return before > 0;
    },
    async older() {
      this.pagesRead++;
      const from = Math.max(0, before - pageSize);
      const page = Array.from({ length: before - from }, (_, i) => entry(before - 1 - i));
      before = from;
      return page;
    },
  };
}

const inC1 = (e: DecisionEntry) => e.leaf?.record?.search?.pickupCell === 'c1';

describe('searching older pages of the log for a filter', () => {
  it('reads until enough entries match', async () => {
    const source = log(1000, 100, 30);
    const read = await searchOlder(source, inC1, { pages: 10, matches: 5 });
    // The first page holds four matches (990, 960, 930, 900); the fifth is in the second.
    expect(source.pagesRead).toBe(2);
    expect(read.map((e) => e.index)).toEqual(Array.from({ length: 200 }, (_, i) => 999 - i));
  });

  it('stops at the page budget, and at the start of the log', async () => {
    const rare = log(5000, 100, 100_000);
    await searchOlder(rare, inC1, { pages: 3, matches: 1 });
    expect(rare.pagesRead).toBe(3);
    const short = log(150, 100, 100_000);
    expect(await searchOlder(short, inC1, { pages: 10, matches: 1 })).toHaveLength(150);
    expect(short.pagesRead).toBe(2);
  });

  it('stops once the entries are older than the start of the time range', async () => {
    const source = log(1000, 100, 100_000);
    await searchOlder(source, () => false, { pages: 10, matches: 1, notBefore: 750 * 60_000 });
    // Page 3 reaches entry 700, before minute 750: nothing older can be in the range.
    expect(source.pagesRead).toBe(3);
  });
});
