/**
 * Browser end-to-end tests (`npm run test:e2e`): the real `npm start` stack driven in Debian's Chromium. One scenario
 * per file, each with its own stack; one at a time (two Playgrounds and a browser per scenario are heavy enough).
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  maxWorkers: 1,
  // Start-up (sandbox certificate, bot, two Playgrounds, Chromium) takes seconds; a scenario follows real jobs.
  testTimeout: 300_000,
  slowTestThreshold: 120,
  // A child process that outlives its scenario must not hang CI: the stack helper kills the process group anyway.
  forceExit: true,
};
