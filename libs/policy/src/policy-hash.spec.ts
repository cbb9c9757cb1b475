import { defaultPolicy } from './default-policy';
import { policyHash } from './policy-hash';

describe('policyHash', () => {
  it('is a lowercase hex SHA-256', () => {
    expect(policyHash(defaultPolicy)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered = JSON.parse(JSON.stringify(defaultPolicy, Object.keys(defaultPolicy).reverse()));
    const shuffled = { ...reordered, ...Object.fromEntries(Object.entries(defaultPolicy).reverse()) };
    expect(policyHash(shuffled)).toBe(policyHash(defaultPolicy));
  });

  it('changes when any number in the document changes', () => {
    const base = policyHash(defaultPolicy);
    const paths = numericPaths(defaultPolicy);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const copy = JSON.parse(JSON.stringify(defaultPolicy));
      const parent = path.slice(0, -1).reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, copy);
      const key = path[path.length - 1];
      parent[key] = (parent[key] as number) + 1;
      expect(policyHash(copy)).not.toBe(base);
    }
  });
});

function numericPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'number') return [prefix];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...prefix, k]));
  }
  return [];
}
