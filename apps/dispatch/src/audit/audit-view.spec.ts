import { randomUUID } from 'node:crypto';
import { canonicalize } from '@coop/canonical-json';
import { StoredLeaf } from './audit-log.repository';
import { Viewer, viewLeaf } from './audit-view';
import { LEAF_SCHEMA } from './log-leaf';

const me = randomUUID();
const other = randomUUID();
const full = { drivers: [{ driverId: me, position: { latE6: 45_501_700, lngE6: -73_567_300 } }, { driverId: other, position: { latE6: 1, lngE6: 2 } }] };
const publicLeaf = {
  schema: LEAF_SCHEMA,
  kind: 'dispatch_decision',
  record: { drivers: [{ driverId: 'm-me', position: { cell: '872b8e2dcffffff' } }, { driverId: 'm-other', position: { cell: '87754e64dffffff' } }] },
  privacy: { period: '2026-11', rotation: 'monthly', h3Resolution: 7 },
  sealed: 'x',
};
const stored = (body: unknown, disclosure = true): StoredLeaf => ({
  index: 4,
  kind: 'dispatch_decision',
  body: canonicalize(body),
  leafHash: Buffer.alloc(32, 1),
  ...(disclosure ? { disclosure: { salt: Buffer.alloc(16, 2), record: canonicalize(full) } } : {}),
});
const driver = (pseudonym: string): Viewer => ({ kind: 'driver', driverId: me, pseudonymIn: async () => pseudonym });

describe('what each caller sees of a leaf', () => {
  it('a member: the public leaf and its hash, nothing else', async () => {
    const v = await viewLeaf(stored(publicLeaf), { kind: 'member' });
    expect(v).toEqual({ index: 4, leafHash: Buffer.alloc(32, 1).toString('base64'), leaf: publicLeaf });
  });

  it('a driver named in the decision: also their pseudonym and their own snapshot only', async () => {
    const v = await viewLeaf(stored(publicLeaf), driver('m-me'));
    expect(v.viewer).toEqual({ pseudonym: 'm-me', snapshot: full.drivers[0] });
    expect(JSON.stringify(v)).not.toContain(other);
    expect((await viewLeaf(stored(publicLeaf), driver('m-nobody'))).viewer).toBeUndefined();
  });

  it('an auditor: the full record and salt as well', async () => {
    const v = await viewLeaf(stored(publicLeaf), { kind: 'auditor' });
    expect(v.disclosure).toEqual({ salt: Buffer.alloc(16, 2).toString('base64'), record: full });
  });

  it('a leaf from before public leaves (v1, a full record): withheld from everyone but auditors', async () => {
    const v1 = { kind: 'dispatch_decision', record: full };
    for (const viewer of [{ kind: 'member' } as const, driver('m-me')]) {
      const v = await viewLeaf(stored(v1, false), viewer);
      expect(v).toMatchObject({ leaf: null, withheld: expect.any(String) });
      expect(JSON.stringify(v)).not.toContain(me);
    }
    expect((await viewLeaf(stored(v1, false), { kind: 'auditor' })).leaf).toEqual(v1);
  });
});
