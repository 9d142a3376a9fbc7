/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2021' }, module: { type: 'commonjs' } }]
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  // 'ts' first: a stale compiled .js never shadows the .ts source.
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/miniprogram/miniprogram_npm', '<rootDir>/.data'],
}
module.exports = {
  // Tests drive a real local cloud, and CI machines have 2 cores: no test may fail for being slow
  // (timings belong in the benchmarks), so the default 5 s is raised for every test.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'node', testEnvironment: 'node', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['<rootDir>/test/miniprogram/'] },
    { ...common, displayName: 'miniprogram', testEnvironment: 'jsdom', testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'] },
  ],
}
