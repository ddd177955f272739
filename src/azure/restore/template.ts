import type { DeploymentExtended } from '@azure/arm-resourcesdeployments';
import type { AzureClients } from '../clients';
import { isNotFound } from '../call';
import type { OperationOptions } from '../types';
import { deploymentFailed } from './armErrors';

/** Template parameters the bot fills, when (and only when) the template declares them. */
export interface TemplateValues {
  VirtualMachineName: string;
  VirtualNetwork: string;
  VirtualNetworkResourceGroup: string;
  Subnet: string;
  NetworkInterfaceName: string;
}

export interface EncryptionRefs {
  /** The key vault of the BEK (secret). */
  keyVaultId: string;
  secretUrl: string;
  keyUrl?: string;
  /** The key vault of the KEK when it is another one than the BEK's (KEKDetails.keyVaultId vs BEKDetails.secretVaultId). */
  kekVaultId?: string;
}

/**
 * Parameter values by the names the template declares (matched case-insensitively, sent in the template's own
 * casing). Names Azure Backup uses are not documented, so they are read from the template at run time.
 */
export function templateParameters(template: unknown, values: TemplateValues): Record<string, { value: string }> {
  const declared = Object.keys((template as { parameters?: Record<string, unknown> })?.parameters ?? {});
  const out: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(values)) {
    const match = declared.find((d) => d.toLowerCase() === name.toLowerCase());
    if (match) out[match] = { value };
  }
  return out;
}

/**
 * Points every disk-encryption reference in the template (VM encryptionSettings, disk encryptionSettingsCollection)
 * at where the key and secret are now: after a put-back the secret has a new version, or lives in another vault.
 * Template expressions ('[...]') are left alone.
 */
export function retargetEncryption(template: unknown, refs: EncryptionRefs): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, any>;
    const dek = o.diskEncryptionKey;
    if (dek && typeof dek.secretUrl === 'string' && !dek.secretUrl.startsWith('[')) {
      dek.secretUrl = refs.secretUrl;
      dek.sourceVault = { id: refs.keyVaultId };
    }
    const kek = o.keyEncryptionKey;
    if (kek && typeof kek.keyUrl === 'string' && !kek.keyUrl.startsWith('[') && refs.keyUrl) {
      kek.keyUrl = refs.keyUrl;
      kek.sourceVault = { id: refs.kekVaultId ?? refs.keyVaultId };
    }
    Object.values(o).forEach(visit);
  };
  visit(template);
}

/**
 * Deploys the restore template inline (the bot read it with its own identity: no SAS) into the target resource
 * group and waits for it. A deployment of the same name is re-run, not duplicated. A failure surfaces the failing
 * resource's code (read back from the deployment), not just DeploymentFailed.
 * Permission: Microsoft.Resources/deployments/write on the target group (and what the template creates).
 */
export async function deployTemplate(
  clients: AzureClients,
  resourceGroup: string,
  deploymentName: string,
  template: unknown,
  parameters: Record<string, { value: string }>,
  options: OperationOptions & { pollIntervalMs?: number } = {},
): Promise<DeploymentExtended> {
  const { abortSignal } = options;
  try {
    return await clients.deployments.deployments.createOrUpdate(
      resourceGroup,
      deploymentName,
      { properties: { mode: 'Incremental', template, parameters } },
      { abortSignal, updateIntervalInMs: options.pollIntervalMs },
    );
  } catch (err) {
    if ((err as Error).name === 'AbortError' || abortSignal?.aborted) throw err;
    // Rejected up front (validation): the error tree is in the response body.
    const bodyError = (err as { details?: { error?: Parameters<typeof deploymentFailed>[1] } }).details?.error;
    if (bodyError) throw deploymentFailed(deploymentName, bodyError, err as Error);
    // Failed while running: the poller only says DeploymentFailed; the deployment holds the inner error.
    const failed = await clients.deployments.deployments
      .get(resourceGroup, deploymentName, { abortSignal })
      .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (!failed?.properties?.error) throw err;
    throw deploymentFailed(deploymentName, failed.properties.error, err as Error);
  }
}
