import { startTestAzure, type TestAzure } from '../support/azure';

describe('sandbox core', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it('issues managed-identity tokens naming the approved identity', async () => {
    const token = await azure.credential.getToken('https://management.azure.com/.default');
    expect(token?.token).toBeTruthy();
    expect(azure.credential.state).toMatchObject({
      state: 'approved',
      objectId: '44444444-4444-4444-8444-444444444401',
    });
  });

  it("answers 401 to a request without a token, with Azure's error body", async () => {
    const res = await fetchArm(
      azure,
      '/subscriptions/x/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-eastasia/backupJobs?api-version=2023-06-01',
    );
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('AuthenticationFailed');
  });

  it('starts in under two seconds', async () => {
    const started = Date.now();
    const other = await startTestAzure();
    const elapsed = Date.now() - started;
    await other.close();
    expect(elapsed).toBeLessThan(2000);
  });
});

async function fetchArm(azure: TestAzure, path: string): Promise<{ status: number; json(): Promise<any> }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(`${azure.sandbox.endpoints.arm}${path}`, { ca: azure.sandbox.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
