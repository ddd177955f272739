import { loadConfig } from '../../src/config';
import { startTestAzure, type TestAzure } from '../support/azure';
import { deployInfra, sandboxParameters } from './deployInfra';

// The Container Apps variant of infra/main.json: the Dockerfile's image instead of App Service.
describe('infra/main.json with hostKind containerApps', () => {
  let azure: TestAzure;
  beforeAll(async () => (azure = await startTestAzure({ botAccess: 'none' })));
  afterAll(() => azure.close());

  it('runs the image with the settings, /healthz probes and fixed replicas; the Azure Bot points at its ingress', async () => {
    const result = await deployInfra(
      azure,
      sandboxParameters({
        hostKind: 'containerApps',
        containerImage: 'example.azurecr.io/ade-backup-bot:1',
        replicas: 3,
      }),
    );
    expect((result as any).properties?.provisioningState).toBe('Succeeded');
    const w = azure.sandbox.world;
    const of = (type: string) => w.armResources.filter((r) => r.type === type);
    expect(of('Microsoft.Web/sites')).toEqual([]);
    expect(of('Microsoft.Web/serverfarms')).toEqual([]);

    const [app] = of('Microsoft.App/containerApps');
    const container = app.properties.template.containers[0];
    expect(container.image).toBe('example.azurecr.io/ade-backup-bot:1');
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? `secretRef:${e.secretRef}`]));
    const bot = w.identities.find((i) => i.approved)!;
    expect(env).toMatchObject({
      AZURE_MODE: 'live',
      BOT_APP_TYPE: 'UserAssignedMSI',
      AZURE_MANAGED_IDENTITY_CLIENT_ID: bot.clientId,
      STORE: 'blob',
      PORT: '3978',
      ALERT_WEBHOOK_TOKEN: 'secretRef:alert-webhook-token', // a Container Apps secret, not a plain variable
      APPROVERS_CONVERSATION_ID: '19:approvers-sandbox@thread.tacv2',
      RECORD_SIGNING_KEY_SECRET_URI: (result as any).properties.outputs.RECORD_SIGNING_KEY_SECRET_URI.value,
    });
    // The container's environment is one live mode starts with (it refuses to start without these two).
    const secrets = Object.fromEntries(
      app.properties.configuration.secrets.map((x: any) => [`secretRef:${x.name}`, x.value]),
    );
    const config = loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secrets[v as string] ?? v])));
    expect(config.approvals.approversConversationId).toBe('19:approvers-sandbox@thread.tacv2');
    expect(config.signing.secretUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/secrets\/record-signing-key$/);
    expect(container.probes.map((p: any) => p.httpGet.path)).toEqual(['/healthz', '/healthz']);
    expect(app.properties.template.scale).toEqual({ minReplicas: 3, maxReplicas: 3 });

    const fqdn = app.properties.configuration.ingress.fqdn as string;
    expect(fqdn).toMatch(/^ca-backup-bot\..+\.eastasia\.azurecontainerapps\.io$/);
    const [azureBot] = of('Microsoft.BotService/botServices');
    expect(azureBot.properties.endpoint).toBe(`https://${fqdn}/api/messages`);
    expect((result as any).properties.outputs.BOT_AZURE_APP_SERVICE_RESOURCE_ID.value).toBe('');
  });
});
