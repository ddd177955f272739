import { createAzure } from '../../src/azure';
import { createAdapter } from '../../src/bot/adapter';
import { sandboxAzureSettings } from '../../src/sandbox/settings';
import { startTestAzure, type TestAzure } from '../support/azure';

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

// BOT_APP_TYPE=UserAssignedMSI: the token botbuilder sends to the Bot Connector comes from the one approved managed
// identity (the Azure layer's ApprovedCredential, against the sandbox's managed-identity endpoint), not from
// botbuilder's own DefaultAzureCredential chain.
describe('the Bot Connector token of a managed-identity bot', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const adapterAs = (identity: string) => {
    const settings = sandboxAzureSettings(azure.sandbox, identity);
    const credential = createAzure(settings).identity;
    const adapter = createAdapter(
      { appId: settings.managedIdentityClientId, appType: 'UserAssignedMSI', tenantId: settings.tenantId },
      credential,
    );
    const factory = adapter.credentialsFactory;
    return {
      appId: settings.managedIdentityClientId,
      token: async () => {
        const creds = await factory.createCredentials(
          settings.managedIdentityClientId,
          'https://api.botframework.com',
          'https://login.microsoftonline.com',
          true,
        );
        return (creds as unknown as { getToken(): Promise<string> }).getToken();
      },
      approved: settings.approvedIdentity.objectId,
      credential,
    };
  };

  it('is issued to the approved identity, through the approved-identity check', async () => {
    const bot = adapterAs('id-backup-bot');
    const token = await bot.token();
    expect(claims(token)).toMatchObject({ oid: bot.approved });
    expect(bot.credential.state).toMatchObject({ state: 'approved' });
  });

  it('is refused when the identity is not the approved one, so no activity is sent with it', async () => {
    const bot = adapterAs('id-other');
    await expect(bot.token()).rejects.toThrow();
    expect(bot.credential.state).toMatchObject({ state: 'not-approved' });
  });
});
