/** `npm run lint:deps`: prints every breach of the dependency rules and exits 1 if there is any. */
import { join } from 'node:path';
import { checkDependencyRules } from './dependency-rules';
import { readSourceFiles } from './source-files';

const root = join(__dirname, '..', '..');
const files = readSourceFiles(root, ['apps', 'libs', 'load-tests', 'tools']);
const violations = checkDependencyRules(files);
for (const v of violations) process.stderr.write(`${v.path}: [${v.rule}] ${v.detail}\n`);
process.stdout.write(`dependency rules: ${files.length} files checked, ${violations.length} violation(s)\n`);
process.exit(violations.length ? 1 : 0);
