import { loadConfig } from '../../src/config';
import { startConfig } from '../../scripts/startSettings';

// The README promises that under `npm start` a failed backup made in the sandbox is posted within 15 s.
describe('npm start settings', () => {
  it('polls the vaults every 15 s, while a deployed bot keeps the 300 s default', () => {
    expect(startConfig({}).notifications.watchIntervalSeconds).toBe(15);
    expect(loadConfig({}).notifications.watchIntervalSeconds).toBe(300);
  });

  it('lets the environment choose another interval, and still checks it', () => {
    expect(startConfig({ WATCH_INTERVAL_SECONDS: '60' }).notifications.watchIntervalSeconds).toBe(60);
    expect(startConfig({ WATCH_INTERVAL_SECONDS: '' }).notifications.watchIntervalSeconds).toBe(15);
    expect(() => startConfig({ WATCH_INTERVAL_SECONDS: '1' })).toThrow(/WATCH_INTERVAL_SECONDS/);
  });
});
