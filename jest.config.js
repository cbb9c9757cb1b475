/**
 * Two projects: `unit` (pure logic, no services) and `integration` (real PostgreSQL and
 * Redis, booted app, real socket.io clients). Both compile with @swc/jest.
 */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
}];

const moduleNameMapper = {
  '^@coop/(geo|matching|transparency-log|money|policy|platform|canonical-json|governance|simulation|testing)$': '<rootDir>/libs/$1/src',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // Global (jest reads testTimeout only at the top level, not per project): the integration
  // tests boot whole apps, which takes seconds on a loaded machine.
  testTimeout: 30000,
  // A test that fails while an app is still booting leaves its servers and workers running;
  // without this, such a failure would hang the run (and CI) instead of reporting it.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,load-tests,tools,infra}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,load-tests}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};
