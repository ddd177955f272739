/* `npm start`: the bot in sandbox mode (the local Azure included) and two Agents Playgrounds, one per chat role. */
import path from 'node:path';
import { ConfigError, type Config } from '../src/config';
import type { RunningBot } from '../src/index';
import { createLogger } from '../src/log';
import { SANDBOX_USERS } from '../src/sandboxUsers';
import { startPlayground, type PlaygroundSpec, type RunningPlayground } from './playground';
import { startConfig } from './startSettings';

const ROOT = path.resolve(__dirname, '..');

// The Playground has one user per instance and no user switch: one instance per role, so approvals can be tried.
// PLAYGROUND_OPERATOR_PORT / PLAYGROUND_APPROVER_PORT override the ports (0 = any free port; test/e2e uses that).
const PLAYGROUNDS: PlaygroundSpec[] = [
  { who: 'operator', user: SANDBOX_USERS.operator, port: portFromEnv('PLAYGROUND_OPERATOR_PORT', 56150) },
  { who: 'approver', user: SANDBOX_USERS.approver, port: portFromEnv('PLAYGROUND_APPROVER_PORT', 56151) },
];

function portFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? '');
  return process.env[name] && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : fallback;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = startConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  // Loaded after the configuration is known good, so a wrong setting is reported at once.
  const { exitWith, startBot } = await import('../src/index');
  const logger = createLogger({ level: config.logLevel });
  const bot: RunningBot = await startBot(config, { logger }).catch(exitWith);
  const playgrounds: RunningPlayground[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(playgrounds.map((p) => p.stop()));
    await bot.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const endpoint = `${bot.url}/api/messages`;
  const lines = [
    `ADE backup bot running in ${config.mode} mode`,
    `  Bot endpoint      ${endpoint}  (health: ${bot.url}/healthz)`,
  ];
  if (bot.sandbox) lines.push(`  Sandbox Azure     ${bot.sandbox.endpoints.arm}`);

  if (config.bot.appId) {
    // The Playground sends no Bot Framework token, and a bot with an app id answers 401 to anything without one.
    lines.push('  Agents Playground not started: BOT_APP_ID is set, and the Playground cannot authenticate.');
  } else {
    const tenantId = bot.sandbox?.world.tenantId ?? '00000000-0000-0000-0000-0000000000001';
    try {
      for (const spec of PLAYGROUNDS) playgrounds.push(await startPlayground(spec, endpoint, tenantId, ROOT));
    } catch (err) {
      process.stderr.write(`Start-up failed: ${(err as Error).message}\n`);
      return stop(1);
    }
    for (const p of playgrounds) {
      p.child.once('exit', (code) => !stopping && logger.warn({ who: p.spec.who, code }, 'Agents Playground exited'));
      const role = `${p.spec.who[0].toUpperCase()}${p.spec.who.slice(1)} (${p.spec.user.name})`.padEnd(24);
      lines.push(`  ${role}  ${p.url}`);
    }
    lines.push('', 'Open a Playground URL and type "help". Press Ctrl-C to stop everything.');
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

void main();
