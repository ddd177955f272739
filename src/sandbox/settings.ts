import type { Sandbox } from './index';

/**
 * What a client needs to reach this sandbox as one of its identities. The sandbox's own type: the fake shares nothing
 * with the client it checks; the shape matches what the Azure layer takes, and the compiler checks that where the two
 * meet (src/index.ts, test/support/azure.ts).
 */
export interface SandboxClientSettings {
  subscriptionId: string;
  tenantId: string;
  managedIdentityClientId: string;
  approvedIdentity: { objectId: string; tenantId: string };
  endpoints: { arm: string; armAudience: string; graph: string };
  caCertificate: string;
  keyVaultChallengeVerification: boolean;
  rbacKeyVaultRoleDefinitionId: string;
  retry: { maxRetries: number; retryDelayMs: number; maxRetryDelayMs: number };
}

/**
 * The Azure layer's settings for talking to this sandbox as one of its managed identities: the approved
 * `id-backup-bot` by default, or `id-other` to exercise the identity check. Used by src/index.ts in sandbox
 * mode and by tests. The caller also sets IDENTITY_ENDPOINT / IDENTITY_HEADER (`identityEnvironment`).
 */
export function sandboxAzureSettings(sandbox: Sandbox, identityName = 'id-backup-bot'): SandboxClientSettings {
  const w = sandbox.world;
  const running = w.identities.find((i) => i.name === identityName);
  const approved = w.identities.find((i) => i.approved);
  if (!running || !approved) throw new Error(`No identity '${identityName}' in the sandbox world.`);
  return {
    subscriptionId: w.subscriptionId,
    tenantId: w.tenantId,
    managedIdentityClientId: running.clientId,
    approvedIdentity: { objectId: approved.objectId, tenantId: w.tenantId },
    endpoints: {
      arm: sandbox.endpoints.arm,
      armAudience: 'https://management.azure.com',
      graph: sandbox.endpoints.graph,
    },
    caCertificate: sandbox.ca,
    keyVaultChallengeVerification: false,
    rbacKeyVaultRoleDefinitionId: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    retry: { maxRetries: 3, retryDelayMs: 20, maxRetryDelayMs: 2000 },
  };
}

/** The App Service managed-identity variables that make ManagedIdentityCredential use the sandbox. */
export function identityEnvironment(sandbox: Sandbox): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } {
  return { IDENTITY_ENDPOINT: sandbox.endpoints.identity, IDENTITY_HEADER: sandbox.endpoints.identityHeader };
}
