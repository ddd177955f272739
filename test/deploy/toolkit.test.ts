import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, SECRET_SETTINGS, SETTING_NAMES } from '../../src/config';
import { fillPlaceholders } from '../../scripts/placeholders';
import { startTestAzure, type TestAzure } from '../support/azure';
import { deployInfra } from './deployInfra';

// The Microsoft 365 Agents Toolkit's files: m365agents.yml, env/ and infra/azure.parameters.json.
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** KEY=value lines of a toolkit env file. */
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    read(file)
      .split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const placeholders = (text: string) => [...text.matchAll(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g)].map((m) => m[1]);
/** The `uses:` actions of one lifecycle stage of m365agents.yml, in order. */
const stage = (name: string): string[] => {
  const yml = read('m365agents.yml');
  const body = yml.slice(yml.indexOf(`\n${name}:\n`) + name.length + 3).split(/\n(?=[a-z]+:\n)/)[0];
  return [...body.matchAll(/^ {2}- uses: (\S+)/gm)].map((m) => m[1]);
};

describe('Agents Toolkit files', () => {
  const dev = envFile('env/.env.dev');
  const user = envFile('env/.env.dev.user.example');

  it('m365agents.yml: provision creates the Teams app, deploys infra/, validates, zips and updates the app', () => {
    expect(read('m365agents.yml')).toMatch(/^version: v1\.\d+$/m);
    expect(stage('provision')).toEqual([
      'teamsApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(read('m365agents.yml')).toMatch(
      /- path: \.\/infra\/main\.json\n\s+parameters: \.\/infra\/azure\.parameters\.json/,
    );
    expect(stage('deploy')).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(stage('publish')).toContain('teamsApp/publishAppPackage');
  });

  it('env/: every setting of src/config.ts, secrets only in the git-ignored .user file', () => {
    for (const name of SETTING_NAMES) {
      if (SECRET_SETTINGS.has(name)) {
        expect(dev).not.toHaveProperty(name);
        expect(user).toHaveProperty(`SECRET_${name}`);
      } else expect(dev).toHaveProperty(name);
    }
    expect(Object.keys(dev).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
    expect(Object.values(user).filter(Boolean)).toEqual([]); // the example holds no value
    const ignored = (file: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', file], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('env/.env.dev.user')).toBe(true);
    expect(ignored('env/.env.dev.user.example')).toBe(false);
  });

  it('every placeholder of the toolkit files has a home in env/ (or is the toolkit’s own)', () => {
    const known = new Set([...Object.keys(dev), ...Object.keys(user)]);
    for (const file of [
      'm365agents.yml',
      'infra/azure.parameters.json',
      'appPackage/manifest.json',
      'appPackage/zh-TW.json',
    ]) {
      expect([file, placeholders(read(file)).filter((p) => !known.has(p))]).toEqual([file, []]);
    }
  });

  describe('infra/azure.parameters.json filled from env/.env.dev', () => {
    let azure: TestAzure;
    beforeAll(async () => (azure = await startTestAzure({ botAccess: 'none' })));
    afterAll(() => azure.close());

    it('deploys into the sandbox, the settings reaching the host', async () => {
      // What a platform engineer fills in for the sandbox world.
      const values = {
        ...dev,
        VAULT_RESOURCE_GROUPS: 'rg-backup',
        VM_RESOURCE_GROUPS: 'rg-app',
        RESTORE_RESOURCE_GROUPS: 'rg-restore',
        KEY_VAULT_RESOURCE_GROUPS: 'rg-keys',
        STAGING_RESOURCE_GROUPS: 'rg-staging',
        RBAC_KEY_VAULTS: 'rg-keys/kv-ade-rbac',
        ACCESS_POLICY_KEY_VAULTS: 'rg-keys/kv-ade-policy,rg-keys/kv-ade-nogrant',
        OPERATOR_IDS: '00000000-0000-0000-0000-0000000000020',
        RPO_HOURS: '30',
        APPROVERS_CONVERSATION_ID: '19:approvers-dev@thread.tacv2',
        RETENTION_AUDIT_DAYS: '400',
        SECRET_ALERT_WEBHOOK_TOKEN: 'filled-token',
        SECRET_RECORD_SIGNING_KEY: Buffer.alloc(48, 7).toString('base64'),
      };
      const parameters = JSON.parse(fillPlaceholders(read('infra/azure.parameters.json'), values)).parameters;
      const result = await deployInfra(azure, parameters);
      expect((result as any).properties?.provisioningState).toBe('Succeeded');
      const config = azure.sandbox.world.armResources.find((r) => r.type === 'Microsoft.Web/sites/config')!;
      expect(config.name).toBe('app-backup-bot-dev/appsettings');
      expect(config.properties).toMatchObject({
        OPERATOR_IDS: values.OPERATOR_IDS,
        RPO_HOURS: '30',
        LOG_LEVEL: 'info',
        ALERT_WEBHOOK_TOKEN: 'filled-token',
        AZURE_MODE: 'live',
        APPROVERS_CONVERSATION_ID: '19:approvers-dev@thread.tacv2',
        RETENTION_AUDIT_DAYS: '400',
      });
      // What provision writes back to env/.env.dev: the signing key's secret, which the host has too.
      expect((result as any).properties.outputs.RECORD_SIGNING_KEY_SECRET_URI.value).toBe(
        config.properties.RECORD_SIGNING_KEY_SECRET_URI,
      );
      expect(loadConfig(config.properties).mode).toBe('live');
    });
  });
});
