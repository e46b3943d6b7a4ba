/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(preact|@preact|jose|@testing-library/preact)/)'],
  testTimeout: 30000,
  // Integration suites start servers and redis-server processes: two workers fit two cores.
  maxWorkers: 2,
};
