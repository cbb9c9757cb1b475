/**
 * The dependency rules of the monorepo (STYLE.md): the pure libraries import no framework,
 * database, queue, socket or network package, checked by package name rather than folder
 * (a folder rule misses a leak through a re-export); libraries never reach into apps; apps
 * reach each other only through the composition root, apps/server.
 */

/** Libraries that must stay plain TypeScript: deterministic, no I/O, no framework. */
export const pureLibraries = ['geo', 'matching', 'transparency-log', 'money', 'policy', 'canonical-json', 'governance', 'simulation'] as const;

/** Packages a pure library may never import, by name or name prefix. */
const bannedInPureCode = [
  /^@nestjs\//,
  /^typeorm($|\/)/,
  /^ioredis($|\/)/,
  /^bullmq($|\/)/,
  /^socket\.io/,
  /^@socket\.io\//,
  /^pg($|\/)/,
  /^redis($|\/)/,
  /^express($|\/)/,
  /^undici($|\/)/,
  /^prom-client($|\/)/,
  /^@coop\/(platform|testing)$/,
  /^(node:)?(fs|net|http|https|http2|dgram|child_process|worker_threads|cluster|dns|tls)(\/|$)/,
];

/** Calls that read a clock or randomness, which would make a decision unreplayable. */
const bannedCallsInPureCode = [/\bDate\.now\(/, /\bnew Date\(\s*\)/, /\bMath\.random\(/, /\bperformance\.now\(/, /\bprocess\.(env|hrtime)\b/, /\brandom(Bytes|UUID|Int)\(/];

export interface SourceFile {
  /** Repository-relative path with forward slashes. */
  path: string;
  text: string;
  imports: readonly string[];
}

export interface Violation {
  path: string;
  rule: string;
  detail: string;
}

/** Checks every rule over a set of source files and returns the breaches, in file order. */
export function checkDependencyRules(files: readonly SourceFile[]): Violation[] {
  return files.flatMap((file) => [...pureLibraryViolations(file), ...libraryReachesIntoApp(file), ...appReachesIntoApp(file)]);
}

function pureLibraryOf(path: string): string | undefined {
  const match = /^libs\/([^/]+)\/src\//.exec(path);
  return match && (pureLibraries as readonly string[]).includes(match[1]) ? match[1] : undefined;
}

function isTestCode(path: string): boolean {
  return /\.(spec|int-spec|bench)\.ts$|\.testing\.ts$|test-fixtures\.ts$|\/(test|bench)\//.test(path);
}

function pureLibraryViolations(file: SourceFile): Violation[] {
  const library = pureLibraryOf(file.path);
  if (!library || isTestCode(file.path)) return [];
  const violations: Violation[] = [];
  for (const specifier of file.imports) {
    if (bannedInPureCode.some((pattern) => pattern.test(specifier))) {
      violations.push({ path: file.path, rule: 'pure-library-imports', detail: `libs/${library} is pure and may not import '${specifier}'` });
    } else if (specifier.startsWith('.') && !resolve(file.path, specifier).startsWith(`libs/${library}/`)) {
      violations.push({ path: file.path, rule: 'pure-library-imports', detail: `'${specifier}' leaves libs/${library}; import another library by its @coop name` });
    }
  }
  for (const pattern of bannedCallsInPureCode) {
    const line = firstLineMatching(file.text, pattern);
    if (line) violations.push({ path: file.path, rule: 'pure-library-determinism', detail: `line ${line}: ${pattern.source} reads a clock or randomness; take it as an input` });
  }
  return violations;
}

function libraryReachesIntoApp(file: SourceFile): Violation[] {
  if (!file.path.startsWith('libs/')) return [];
  return file.imports
    .filter((specifier) => specifier.startsWith('.') && resolve(file.path, specifier).startsWith('apps/'))
    .map((specifier) => ({ path: file.path, rule: 'library-imports-app', detail: `a library may not import from an app ('${specifier}')` }));
}

function appReachesIntoApp(file: SourceFile): Violation[] {
  const app = /^apps\/([^/]+)\//.exec(file.path)?.[1];
  if (!app || app === 'server') return [];
  return file.imports
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => [specifier, /^apps\/([^/]+)\//.exec(resolve(file.path, specifier))?.[1]] as const)
    .filter(([, target]) => target !== undefined && target !== app)
    .map(([specifier, target]) => ({ path: file.path, rule: 'app-imports-app', detail: `apps/${app} may not import apps/${target} ('${specifier}'); share through a library or a queue` }));
}

/** Resolves a relative specifier against the importing file's folder, POSIX style. */
export function resolve(fromFile: string, specifier: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const segment of specifier.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

function firstLineMatching(text: string, pattern: RegExp): number | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => !/^\s*(\/\/|\*)/.test(line) && pattern.test(line));
  return index < 0 ? undefined : index + 1;
}
