import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SANDBOX_USERS, type SandboxUser } from '../src/sandboxUsers';

/** The Microsoft 365 Agents Playground CLI (dev dependency), run with this Node. */
const CLI = path.resolve(__dirname, '../node_modules/@microsoft/m365agentsplayground/cli.js');

export interface PlaygroundSpec {
  /** Folder name under .playground/ and label: `operator`, `approver`. */
  who: string;
  user: SandboxUser;
  port: number;
}

export interface RunningPlayground {
  spec: PlaygroundSpec;
  url: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

// Fillers: a Playground configuration lists exactly five users besides the current one.
const OTHERS: SandboxUser[] = [
  {
    id: 'user-id-3',
    name: 'Isaiah Langer',
    givenName: 'Isaiah',
    surname: 'Langer',
    userPrincipalName: 'isaiahl@example.com',
    aadObjectId: '00000000-0000-0000-0000-0000000000023',
  },
  {
    id: 'user-id-4',
    name: 'Patti Fernandez',
    givenName: 'Patti',
    surname: 'Fernandez',
    userPrincipalName: 'pattif@example.com',
    aadObjectId: '00000000-0000-0000-0000-0000000000024',
  },
  {
    id: 'user-id-5',
    name: 'Lynne Robbins',
    givenName: 'Lynne',
    surname: 'Robbins',
    userPrincipalName: 'lynner@example.com',
    aadObjectId: '00000000-0000-0000-0000-0000000000025',
  },
];

/** The Playground's user shape (its schema spells `userPrincipleName` so). */
const userEntry = (u: SandboxUser) => ({
  id: u.id,
  name: u.name,
  userPrincipleName: u.userPrincipalName,
  aadObjectId: u.aadObjectId,
  givenName: u.givenName,
  surname: u.surname,
  email: u.userPrincipalName,
});

/**
 * The Playground configuration (.m365agentsplayground.yml, schema 0.1.1) for one instance: its current user, and the
 * same tenant, bot, group chat and team in every instance, so both Playgrounds show one world.
 */
export function playgroundConfig(current: SandboxUser, tenantId: string): string {
  const others = [...Object.values(SANDBOX_USERS), ...OTHERS].filter((u) => u.id !== current.id).slice(0, 5);
  const config = {
    version: '0.1.1',
    tenantId,
    bot: { id: 'ade-backup-bot', name: 'ADE Backup' },
    currentUser: userEntry(current),
    users: others.map(userEntry),
    personalChat: { id: `personal-chat-${current.id}` },
    groupChat: { id: 'group-chat-on-call', name: 'On-call' },
    team: {
      id: 'team-backup-ops',
      name: 'Backup Ops',
      aadGroupId: '00000000-0000-0000-0000-000000000031',
      channels: [{ id: 'channel-backup-alerts', name: 'Backup alerts' }],
    },
  };
  return `${yamlLines(config, '').join('\n')}\n`;
}

/** Block-style YAML for nested objects, arrays and strings (a JSON string is a valid YAML double-quoted scalar). */
function yamlLines(value: object, indent: string): string[] {
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value);
  return entries.flatMap(([key, v]) => {
    const lead = key === undefined ? `${indent}- ` : `${indent}${key}:`;
    if (v === null || typeof v !== 'object') return [`${lead}${key === undefined ? '' : ' '}${JSON.stringify(v)}`];
    const inner = yamlLines(v, `${indent}  `);
    return key === undefined ? [`${lead}${inner[0].trimStart()}`, ...inner.slice(1)] : [lead, ...inner];
  });
}

/** Starts one Playground pointed at the bot, with its own config and log under .playground/<who>/. */
export async function startPlayground(
  spec: PlaygroundSpec,
  botEndpoint: string,
  tenantId: string,
  root: string,
): Promise<RunningPlayground> {
  const dir = path.join(root, '.playground', spec.who);
  mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, '.m365agentsplayground.yml');
  writeFileSync(configPath, playgroundConfig(spec.user, tenantId));
  const logFile = path.join(dir, 'playground.log');
  const output = createWriteStream(path.join(dir, 'output.log'));
  const args = [CLI, 'start', '-e', botEndpoint, '-c', 'msteams', '-p', String(spec.port), '--disable-telemetry'];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(output);
  child.stderr!.pipe(output);

  // The Playground falls back to a random port when its port is taken: trust what it says it listens on.
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`the ${spec.who} Playground did not start within 60 s (see ${dir}/output.log)`)),
      60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const m = /Listening on (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${spec.who} Playground exited with code ${code} (see ${dir}/output.log)`));
    });
  });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return { spec, url: `http://localhost:${port}`, logFile, child, stop };
}
