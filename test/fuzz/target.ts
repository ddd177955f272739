/**
 * The fuzz target in a process of its own (forked by test/fuzz/remote.ts): the real bot, its Bot Connector stand-in,
 * and over IPC the state snapshot and a prototype-pollution check. A second process lets the generator and the HTTP
 * client use the machine's other core; a crash shows as the child's exit.
 */
import { snapshot, startFuzzTarget } from './harness';

async function main(): Promise<void> {
  const target = await startFuzzTarget();
  process.on('message', (m: string) => {
    void (async () => {
      if (m === 'snapshot') {
        const polluted = ({} as Record<string, unknown>).polluted !== undefined;
        process.send!({ snapshot: await snapshot(target), polluted });
      } else if (m === 'close') {
        await target.close();
        process.exit(0);
      }
    })();
  });
  process.send!({ ready: true, url: target.bot.url, serviceUrl: target.connector.url });
}

void main();
