import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import type { SourceFile } from './dependency-rules';

const skipped = new Set(['node_modules', 'dist', '.git', 'k6']);

/** Every TypeScript file under the given folders, with its import specifiers as the compiler sees them. */
export function readSourceFiles(root: string, folders: readonly string[]): SourceFile[] {
  return folders.flatMap((folder) => walk(join(root, folder))).map((file) => {
    const text = readFileSync(file, 'utf8');
    // preProcessFile finds static imports, re-exports, import() and require() without a full parse.
    const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    return { path: relative(root, file).split(sep).join('/'), text, imports };
  });
}

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
