/**
 * `npm run test:journeys`: the browser journeys in headless Chromium (test/journeys/*.journey.ts),
 * kept out of `npm test` (they need Debian's chromium: `apt-get install chromium fonts-wqy-microhei`).
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: __dirname,
  displayName: 'journeys',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/journeys/**/*.journey.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2021' }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/miniprogram/miniprogram_npm', '<rootDir>/.data'],
  testTimeout: 120_000,
  maxWorkers: 1,
}
