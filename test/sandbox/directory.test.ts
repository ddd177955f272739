import https from 'node:https';
import { startTestAzure, type TestAzure } from '../support/azure';

const BMS_APP_ID = '262044b1-e2ce-469f-a196-69ab7ada62d3';
const BMS_OBJECT_ID = '66666666-6666-4666-8666-666666666601';
const APPROVERS = '55555555-5555-4555-8555-555555555502';
const OPERATORS = '55555555-5555-4555-8555-555555555501';
const APPROVER_USER = '77777777-7777-4777-8777-777777777702';

describe('sandbox directory (Microsoft Graph)', () => {
  let azure: TestAzure;
  let token: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    token = (await azure.credential.getToken('https://graph.microsoft.com/.default'))!.token;
  });
  afterAll(() => azure.close());

  const graph = (path: string, method = 'GET', body?: unknown, bearer = token) =>
    request(`${azure.sandbox.endpoints.graph}/v1.0${path}`, azure.sandbox.ca, bearer, method, body);

  it("resolves Backup Management Service's object id from its app id", async () => {
    const res = await graph(`/servicePrincipals(appId='${BMS_APP_ID}')`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: BMS_OBJECT_ID,
      appId: BMS_APP_ID,
      displayName: 'Backup Management Service',
      servicePrincipalType: 'Application',
    });
    const listed = await graph(
      `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${BMS_APP_ID}'`)}&$select=id,appId`,
    );
    expect(listed.body.value).toEqual([{ id: BMS_OBJECT_ID, appId: BMS_APP_ID }]);
  });

  it("answers Graph's 404 for an unknown app id", async () => {
    const res = await graph("/servicePrincipals(appId='00000000-1111-4222-8333-444444444444')");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('Request_ResourceNotFound');
    expect(res.body.error.innerError['request-id']).toBeTruthy();
    expect((await graph(`/servicePrincipals?$filter=${encodeURIComponent("appId eq 'nope'")}`)).body.value).toEqual([]);
  });

  it('checks group membership for users and directory objects', async () => {
    const res = await graph(`/users/${APPROVER_USER}/checkMemberGroups`, 'POST', { groupIds: [OPERATORS, APPROVERS] });
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([APPROVERS]);
    const viewer = await graph('/directoryObjects/88888888-8888-4888-8888-888888888888/checkMemberGroups', 'POST', {
      groupIds: [OPERATORS, APPROVERS],
    });
    expect(viewer.body.value).toEqual([]);
    expect((await graph(`/users/${APPROVER_USER}/checkMemberGroups`, 'POST', {})).status).toBe(400);
  });

  it("lists a user's groups", async () => {
    const res = await graph(`/users/${APPROVER_USER}/memberOf`);
    expect(res.body.value).toEqual([{ '@odata.type': '#microsoft.graph.group', id: APPROVERS }]);
    expect((await graph(`/users/${APPROVERS}/memberOf`)).status).toBe(404);
  });

  it('wants a Graph token, not an ARM one', async () => {
    const arm = (await azure.credential.getToken('https://management.azure.com/.default'))!.token;
    expect((await graph(`/servicePrincipals(appId='${BMS_APP_ID}')`, 'GET', undefined, arm)).status).toBe(401);
  });
});

function request(
  url: string,
  ca: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
