/*
 * One bot replica as its own process, for test/resilience/replicas.test.ts: the real composition root (startBot),
 * configured from the environment exactly as `node dist/index.js` is, in live mode — except that Bot Framework
 * authentication is off. Live mode refuses to start without BOT_APP_ID (src/config.ts), and with one every activity
 * needs a token from the Bot Connector; the test posts activities itself, so the validated configuration is used
 * with the app id removed (anonymous adapter, no token on the posts to the Bot Connector stand-in).
 */
import { ConfigError, loadConfig, type Config } from '../../src/config';
import { exitWith, startBot } from '../../src/index';
import { createLogger } from '../../src/log';

async function main(): Promise<void> {
  let loaded: Config;
  try {
    loaded = loadConfig(process.env);
  } catch (err) {
    return exitWith(err instanceof ConfigError ? err : new Error(String(err)));
  }
  const config: Config = { ...loaded, bot: { ...loaded.bot, appId: undefined, appPassword: undefined } };
  const logger = createLogger({ level: config.logLevel });
  // The signing key, when the test hands one over (testSigningKey in processes.ts), in place of the Key Vault read.
  const signingKey = process.env.TEST_RECORD_SIGNING_KEY
    ? Buffer.from(process.env.TEST_RECORD_SIGNING_KEY, 'base64')
    : undefined;
  const bot = await startBot(config, { logger, signingKey }).catch(exitWith);
  const stop = () => void bot.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
