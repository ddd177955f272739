import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AzureClients } from '../../src/azure/clients';
import { ApprovedCredential } from '../../src/azure/identity';
import { DEPLOYER } from '../../src/sandbox/world/bare';
import type { TestAzure } from '../support/azure';

const INFRA = path.resolve(__dirname, '../../infra');
export const readInfra = (file: string) => JSON.parse(readFileSync(path.join(INFRA, file), 'utf8'));
/** Retry-After: 0 is ignored by core-lro (falsy), which would poll every 2 s; tests poll fast instead. */
const FAST_POLL = { updateIntervalInMs: 5 };

/** The sandbox's parameters for infra/main.json, with `change` applied (e.g. one resource group left out). */
export function sandboxParameters(change: Record<string, unknown> = {}): Record<string, { value: unknown }> {
  const given = readInfra('main.parameters.sandbox.json').parameters as Record<string, { value: unknown }>;
  for (const [name, value] of Object.entries(change)) given[name] = { value };
  return given;
}

/**
 * Deploys infra/main.json into the bot's resource group (rg-identity, where id-backup-bot lives) as the platform
 * engineer (Owner), through the real deployments client, as `az deployment group create` would.
 */
export function deployInfra(azure: TestAzure, parameters = sandboxParameters(), as = DEPLOYER) {
  return deployTemplate(azure, readInfra('main.json'), parameters, as);
}

/** Deploys any template into rg-identity as `as`; a failed deployment comes back as `{ error }`. */
export async function deployTemplate(
  azure: TestAzure,
  template: object,
  parameters: Record<string, { value: unknown }> = {},
  as = DEPLOYER,
  name = 'ade-backup-bot',
) {
  const settings = {
    ...azure.settings,
    managedIdentityClientId: as.clientId,
    approvedIdentity: { objectId: as.objectId, tenantId: azure.settings.tenantId },
  };
  const clients = new AzureClients(settings, new ApprovedCredential(settings));
  try {
    return await clients.deployments.deployments.createOrUpdate(
      'rg-identity',
      name,
      { properties: { mode: 'Incremental', template, parameters } },
      FAST_POLL,
    );
  } catch (err) {
    return { error: err as Error & { code?: string; statusCode?: number; details?: unknown } };
  }
}
