/**
 * The dependency rule of this pure library, checked by name (STYLE.md: a folder-only rule
 * misses leaks): no framework, database, queue or socket package, and no clock or randomness.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BANNED_IMPORTS = /from\s+['"](@nestjs\/[^'"]*|typeorm|ioredis|socket\.io[^'"]*|bullmq|pg|redis|@socket\.io\/[^'"]*)['"]|require\(\s*['"](@nestjs|typeorm|ioredis|socket\.io|bullmq|pg)/;
const BANNED_CALLS = /\bDate\.now\(|\bnew Date\(|\bMath\.random\(|\bperformance\.now\(|\bprocess\.env\b|\bcrypto\.random/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

describe('@coop/money stays pure', () => {
  const files = sources(__dirname);
  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  it.each(files.map((f) => [f.slice(__dirname.length + 1), f]))('%s imports no framework or I/O package and reads no clock or randomness', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(BANNED_IMPORTS);
    expect(text).not.toMatch(BANNED_CALLS);
  });
});
