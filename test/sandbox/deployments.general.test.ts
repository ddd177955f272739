import { startTestAzure, type TestAzure } from '../support/azure';
import { deployTemplate } from '../deploy/deployInfra';

// General templates (infra/'s kind): what the sandbox's ARM template engine accepts, refuses and how it evaluates.
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const template = (body: Record<string, unknown>) => ({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...body });
const failure = (r: any) => ('error' in r ? { status: r.error.statusCode, message: r.error.message } : undefined);

describe('sandbox deployments: general templates', () => {
  let azure: TestAzure;
  let n = 0;
  const deploy = (t: object, parameters: Record<string, { value: unknown }> = {}) =>
    deployTemplate(azure, t, parameters, undefined, `general-${++n}`);
  beforeAll(async () => (azure = await startTestAzure({ botAccess: 'none' })));
  afterAll(() => azure.close());

  it('evaluates copy loops, format escapes, lazy if, union and createObject into outputs', async () => {
    const result: any = await deploy(
      template({
        parameters: { names: { type: 'string', defaultValue: 'a, b,c' } },
        variables: { list: "[split(replace(parameters('names'), ' ', ''), ',')]" },
        resources: [
          {
            type: 'Microsoft.Insights/actionGroups',
            apiVersion: '2023-01-01',
            name: "[format('ag-{0}', variables('list')[copyIndex()])]",
            location: 'Global',
            copy: { name: 'groups', count: "[length(variables('list'))]" },
            properties: { groupShortName: "[toUpper(variables('list')[copyIndex()])]", enabled: true },
          },
        ],
        outputs: {
          braces: { type: 'string', value: "[format('{{{0}}}', 'x')]" },
          lazy: { type: 'string', value: "[if(equals(1, 2), reference('/nowhere').x, 'skipped')]" },
          merged: { type: 'object', value: "[union(createObject('a', 1, 'b', 2), createObject('b', 3))]" },
        },
      }),
    );
    expect(failure(result)).toBeUndefined();
    expect(result.properties.outputs).toEqual({
      braces: { type: 'String', value: '{x}' },
      lazy: { type: 'String', value: 'skipped' },
      merged: { type: 'Object', value: { a: 1, b: 3 } },
    });
    const groups = azure.sandbox.world.armResources.filter((r) => r.type === 'Microsoft.Insights/actionGroups');
    expect(groups.map((g) => [g.name, g.properties.groupShortName])).toEqual([
      ['ag-a', 'A'],
      ['ag-b', 'B'],
      ['ag-c', 'C'],
    ]);
  });

  it.each([
    [
      'a parameter outside its allowed values',
      template({ parameters: { kind: { type: 'string', allowedValues: ['x'] } }, resources: [] }),
      { kind: { value: 'y' } },
      /The provided value 'y' for the template parameter 'kind' is not valid/,
    ],
    [
      'a resource type the sandbox cannot deploy',
      template({ resources: [{ type: 'Microsoft.Sql/servers', apiVersion: '2023-08-01', name: 'sql-1' }] }),
      {},
      /resource type 'Microsoft\.Sql\/servers' of 'sql-1' is not supported/,
    ],
    [
      'circular dependsOn',
      template({
        resources: [
          { type: 'Microsoft.Insights/actionGroups', apiVersion: '2023-01-01', name: 'a', dependsOn: ['b'] },
          { type: 'Microsoft.Insights/actionGroups', apiVersion: '2023-01-01', name: 'b', dependsOn: ['a'] },
        ],
      }),
      {},
      /circular dependency/,
    ],
    [
      'a function ARM has but the sandbox does not evaluate',
      template({
        resources: [{ type: 'Microsoft.Insights/actionGroups', apiVersion: '2023-01-01', name: "[utcNow('yyyy')]" }],
      }),
      {},
      /template function 'utcnow' is not expected/,
    ],
  ])('refuses %s with InvalidTemplate, deploying nothing', async (_what, t, parameters, message) => {
    const before = azure.sandbox.world.armResources.length;
    const result: any = await deploy(t, parameters);
    expect(failure(result)).toMatchObject({ status: 400, message: expect.stringMatching(message) });
    expect(azure.sandbox.world.armResources.length).toBe(before);
  });

  it('fails the deployment when a resource references one it does not depend on', async () => {
    const result: any = await deploy(
      template({
        resources: [
          {
            type: 'Microsoft.Insights/actionGroups',
            apiVersion: '2023-01-01',
            name: 'first',
            location: 'Global',
            properties: {
              groupShortName: "[reference(resourceId('Microsoft.Insights/actionGroups', 'second')).groupShortName]",
            },
          },
          {
            type: 'Microsoft.Insights/actionGroups',
            apiVersion: '2023-01-01',
            name: 'second',
            location: 'Global',
            properties: { groupShortName: 'second' },
          },
        ],
      }),
    );
    expect(failure(result)?.message).toMatch(/DeploymentFailed/);
    expect(JSON.stringify(azure.sandbox.world.deployments.at(-1)?.error)).toMatch(/referenced before it is deployed/);
  });
});
