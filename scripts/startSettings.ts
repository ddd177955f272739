/* The settings `npm start` runs with when the environment does not say otherwise (sandbox try-out defaults). */
import { loadConfig, type Config } from '../src/config';

/**
 * `npm start` is for trying the bot: the failed-backup watcher polls every 15 s so a failure made in the sandbox shows
 * up at once (the README's "try it in the sandbox"). A deployed bot keeps the config default (300 s), which spends
 * fewer of ARM's reads. Anything set in the environment wins.
 */
export const NPM_START_DEFAULTS: Readonly<Record<string, string>> = { WATCH_INTERVAL_SECONDS: '15' };

export function startConfig(env: Record<string, string | undefined>): Config {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return loadConfig({ ...NPM_START_DEFAULTS, ...given });
}
