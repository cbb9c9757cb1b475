import { packageOf, selfTimes } from './cpu-profile-top';

describe('cpu-profile-top', () => {
  // Samples at 1 s, 2 s, 3 s and 4 s after the start; each one's time is the delta that follows it.
  const profile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
      { id: 2, callFrame: { functionName: 'fix', url: 'file:///b/dist/apps/x.js', lineNumber: 3 } },
    ],
    samples: [2, 1, 2, 2],
    timeDeltas: [1e6, 1e6, 1e6, 1e6],
  };

  it('gives each sample the time up to the next one, per node', () => {
    expect(selfTimes(profile)).toEqual(new Map([[2, 2000], [1, 1000]]));
  });

  it('keeps only the samples inside a stretch (seconds since the start)', () => {
    expect(selfTimes(profile, 1.5, 3.5)).toEqual(new Map([[1, 1000], [2, 1000]]));
  });

  it('names the package of a frame', () => {
    expect(packageOf('file:///w/node_modules/@nestjs/core/x.js', 'f')).toBe('@nestjs/core');
    expect(packageOf('node:net', 'f')).toBe('node');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('file:///b/dist/apps/x.js', 'fix')).toBe('app');
  });
});
