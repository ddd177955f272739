import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The bot under fuzz, running in a child process (test/fuzz/target.ts). */
export interface RemoteTarget {
  url: string;
  serviceUrl: string;
  /** The state no input may change, and whether Object.prototype was polluted, read inside the bot's process. */
  inspect(): Promise<{ snapshot: string; polluted: boolean }>;
  /** The exit code if the bot's process died. */
  exited(): number | null | undefined;
  close(): Promise<void>;
}

export function startRemoteTarget(): Promise<RemoteTarget> {
  const child: ChildProcess = fork(path.join(__dirname, 'target.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exit: number | null | undefined;
  child.once('exit', (code) => (exit = code ?? -1));
  const next = () =>
    new Promise<any>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', () => reject(new Error(`fuzz target exited (${exit})`)));
    });
  return next().then((ready: { url: string; serviceUrl: string }) => ({
    url: ready.url,
    serviceUrl: ready.serviceUrl,
    exited: () => exit,
    inspect: () => {
      const answer = next();
      child.send('snapshot');
      return answer;
    },
    close: async () => {
      if (exit !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('close');
      await done;
    },
  }));
}
