import { startTestAzure } from '../support/azure';
import { deployInfra, sandboxParameters } from './deployInfra';

// Its own file: a fresh process-wide token cache for a fresh sandbox (the sandbox signs tokens with its own key).
describe('infra/main.json: who may deploy it', () => {
  it('needs Owner (or User Access Administrator): a Contributor cannot create the role assignments', async () => {
    const azure = await startTestAzure({ botAccess: 'none' });
    try {
      const w = azure.sandbox.world;
      const deployer = w.roleAssignments.find((a) => a.principalId === '44444444-4444-4444-8444-444444444403')!;
      deployer.roleDefinitionId = deployer.roleDefinitionId.replace(
        '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
        'b24988ac-6180-42a0-ab88-20f7382dd24c',
      );
      const result = await deployInfra(azure, sandboxParameters());
      expect('error' in result && result.error.message).toMatch(/DeploymentFailed/);
      expect(JSON.stringify(w.deployments.find((d) => d.name === 'ade-backup-bot')?.error)).toMatch(
        /Microsoft\.Authorization\/role(Assignments|Definitions)\/write/,
      );
    } finally {
      await azure.close();
    }
  });
});
