import { join } from 'node:path';
import { checkDependencyRules, pureLibraries, resolve } from './dependency-rules';
import { readSourceFiles } from './source-files';

const file = (path: string, imports: string[], text = '') => ({ path, imports, text });

describe('dependency rules', () => {
  it('refuse framework, database, queue and socket packages in a pure library, by name', () => {
    const violations = checkDependencyRules([
      file('libs/matching/src/a.ts', ['@nestjs/common', 'typeorm', 'ioredis', 'bullmq', 'socket.io', '@socket.io/redis-adapter', 'pg', 'node:fs', '@coop/platform']),
    ]);
    expect(violations.map((v) => v.detail)).toHaveLength(9);
    expect(violations.every((v) => v.rule === 'pure-library-imports')).toBe(true);
  });

  it('allow other pure libraries, h3-js and hashing in a pure library', () => {
    expect(checkDependencyRules([file('libs/geo/src/a.ts', ['h3-js', '@coop/canonical-json', 'node:crypto', './b'])])).toEqual([]);
  });

  it('refuse a relative import that leaves the pure library', () => {
    const [violation] = checkDependencyRules([file('libs/money/src/a.ts', ['../../platform/src/index'])]);
    expect(violation.rule).toBe('pure-library-imports');
  });

  it('refuse clocks and randomness in pure code but not in its tests or comments', () => {
    const clock = checkDependencyRules([file('libs/matching/src/a.ts', [], 'const t = Date.now();\nconst r = Math.random();')]);
    expect(clock.map((v) => v.rule)).toEqual(['pure-library-determinism', 'pure-library-determinism']);
    expect(checkDependencyRules([file('libs/matching/src/a.spec.ts', ['@nestjs/common'], 'Date.now()')])).toEqual([]);
    expect(checkDependencyRules([file('libs/matching/src/a.ts', [], '// never Date.now() here')])).toEqual([]);
  });

  it('leave framework code in the platform library alone', () => {
    expect(checkDependencyRules([file('libs/platform/src/a.ts', ['@nestjs/common', 'typeorm'])])).toEqual([]);
  });

  it('refuse a library importing an app, and an app importing another app', () => {
    const violations = checkDependencyRules([
      file('libs/platform/src/a.ts', ['../../../apps/dispatch/src/x']),
      file('apps/ledger/src/a.ts', ['../../dispatch/src/jobs/queues']),
      file('apps/server/src/a.ts', ['../../dispatch/src/dispatch.module']),
    ]);
    expect(violations.map((v) => v.rule)).toEqual(['library-imports-app', 'app-imports-app']);
  });

  it('resolve relative specifiers POSIX style', () => {
    expect(resolve('libs/geo/src/a.ts', '../../money/src/x')).toBe('libs/money/src/x');
    expect(resolve('apps/a/src/b/c.ts', './d')).toBe('apps/a/src/b/d');
  });

  it('hold for this repository', () => {
    const files = readSourceFiles(join(__dirname, '..', '..'), ['apps', 'libs', 'load-tests', 'tools']);
    for (const library of pureLibraries) expect(files.some((f) => f.path.startsWith(`libs/${library}/src/`))).toBe(true);
    // The reader sees imports: the geo library really imports h3-js.
    expect(files.filter((f) => f.path.startsWith('libs/geo/src/')).some((f) => f.imports.includes('h3-js'))).toBe(true);
    expect(checkDependencyRules(files)).toEqual([]);
  });
});
