/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(preact|@preact|jose|@testing-library/preact)/)'],
  // Generous: suites create PGlite databases and servers, and CI shares two cores.
  testTimeout: 60000,
  // Integration suites start servers and redis-server processes: two workers fit two cores.
  maxWorkers: 2,
};
