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
  projects: [
    { ...common, displayName: 'node', testEnvironment: 'node', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['<rootDir>/test/miniprogram/'] },
    { ...common, displayName: 'miniprogram', testEnvironment: 'jsdom', testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'] },
  ],
}
