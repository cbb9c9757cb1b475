import { Leaf, leafTitle } from './leaf-types';

describe('leafTitle', () => {
  const leaf = (kind: string, record?: Record<string, unknown>) => ({ kind, record }) as Leaf;

  it('names each logged kind in words', () => {
    expect(leafTitle(leaf('dispatch_decision', { mode: 'immediate' }))).toBe('Dispatch (immediate)');
    expect(leafTitle(leaf('dispatch_decision', { mode: 'batch' }))).toBe('Dispatch (batch)');
    expect(leafTitle(leaf('policy_activation', { version: 2 }))).toBe('Policy came into force');
    expect(leafTitle(leaf('dividend_allocation', { year: 2026 }))).toBe('Dividends for 2026');
    expect(leafTitle(null)).toBe('Withheld');
  });

  it('never passes an unknown or malformed entry off as a dispatch decision', () => {
    expect(leafTitle(leaf('dividend_allocation', { year: 'soon' }))).toBe('Dividend allocation');
    expect(leafTitle(leaf('refund_batch'))).toBe('Other entry (refund_batch)');
  });
});
