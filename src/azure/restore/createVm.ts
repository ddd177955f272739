import type { AzureClients } from '../clients';
import { InvalidInputError } from '../errors';
import { parseResourceId, resourceGroupId } from '../names';
import type { CreatedVm, CreateVmPlan, OperationOptions, RestorePollOptions } from '../types';
import { adeExtension, adeExtensionName } from './adeExtension';
import { TEMPLATE_RESTORE_SINCE } from './backupDate';
import { parseEncryptionInfo } from './encryptionInfo';
import { lookUpVaultUri } from './keyAndSecret';
import { restoreNames } from './naming';
import { tagCreatedResources } from './tags';
import type { StagingBlobs } from './staging';
import { deployTemplate, retargetEncryption, templateParameters, type EncryptionRefs } from './template';
import { createNic, createVmFromDisks, pointOsDiskAtKeys } from './vmFromDisks';
import { parseVmConfig, resolveRestoredDisks, type RestoredDisks, type VmConfig } from './vmConfig';

/** See RestoreOperations.createVm: the template path or the compute path, then the ADE extension. */
export async function createVmFromRestore(
  clients: AzureClients,
  staging: StagingBlobs,
  plan: CreateVmPlan,
  options: RestorePollOptions,
): Promise<CreatedVm> {
  const names = restoreNames(plan.requestId, plan.sourceVmName, plan.vmName);
  const rg = plan.targetResourceGroup;
  const templateUsable =
    !!plan.outputs.templateBlobUri && plan.recoveryPointTime.getTime() >= TEMPLATE_RESTORE_SINCE.getTime();
  if (plan.path === 'template' && !templateUsable) {
    throw new InvalidInputError(
      'path',
      'This recovery point has no deployment template (points before 26 April 2017).',
    );
  }
  const path = plan.path ?? (templateUsable ? 'template' : 'compute');
  const enc = plan.encryption;
  const refs = enc && (await encryptionRefs(staging, plan, options));
  const moveDiskKeys = enc?.pass === 'single' && enc.putBack?.changed === true;

  // The VM config blob names the restored disks (and the VM size for the compute path).
  let config: VmConfig | undefined;
  let disks: RestoredDisks | undefined;
  if (path === 'compute' || moveDiskKeys) {
    const { outputs } = plan;
    config = parseVmConfig(
      await staging.readText(outputs.stagingAccountName, outputs.configContainer, outputs.configBlobName, options),
    );
    disks = await resolveRestoredDisks(clients, config, rg, plan.sourceVmName, options);
  }
  if (moveDiskKeys && disks && refs) await pointOsDiskAtKeys(clients, disks.osDiskId, refs, options);

  let vmId: string;
  let deploymentName: string | undefined;
  if (path === 'template') {
    deploymentName = names.deployment;
    vmId = await createFromTemplate(clients, staging, plan, names, refs, options);
  } else {
    vmId = await createFromDisks(clients, plan, names, config!, disks!, refs, options);
  }

  let extension: string | undefined;
  if (enc && refs) {
    extension = adeExtensionName(plan.osType);
    const vaultUri = enc.keyVault.vaultUri ?? (await lookUpVaultUri(clients, enc.keyVault.id, options));
    await clients.compute.virtualMachineExtensions.createOrUpdate(
      rg,
      parseResourceId(vmId)?.name ?? names.vm,
      extension,
      adeExtension({
        osType: plan.osType,
        location: plan.region,
        keyVaultUri: vaultUri,
        keyVaultId: refs.keyVaultId,
        keyUrl: refs.keyUrl,
      }),
      { abortSignal: options.abortSignal, updateIntervalInMs: options.pollIntervalMs },
    );
  }
  await tagCreatedResources(clients, vmId, plan.tags, options);
  return {
    vmId,
    vmName: parseResourceId(vmId)?.name ?? names.vm,
    path,
    deploymentName,
    osDiskId: disks?.osDiskId,
    dataDiskIds: disks?.dataDisks.map((d) => d.id) ?? [],
    adeExtension: extension,
  };
}

/** Where the new VM's disks find their key and secret: put-back URLs, given URLs, or the staged encryption info. */
async function encryptionRefs(
  staging: StagingBlobs,
  plan: CreateVmPlan,
  options: OperationOptions,
): Promise<EncryptionRefs> {
  const enc = plan.encryption!;
  if (enc.putBack) return { keyVaultId: enc.keyVault.id, secretUrl: enc.putBack.secretUrl, keyUrl: enc.putBack.keyUrl };
  if (enc.secretUrl) return { keyVaultId: enc.keyVault.id, secretUrl: enc.secretUrl, keyUrl: enc.keyUrl };
  const blob = plan.outputs.encryptionInfoBlobName;
  if (!blob) {
    throw new InvalidInputError(
      'encryption',
      'The restore job staged no encryption info: give the key and secret URLs.',
    );
  }
  const staged = parseEncryptionInfo(
    await staging.readText(plan.outputs.stagingAccountName, plan.outputs.configContainer, blob, options),
    blob,
  );
  return { keyVaultId: enc.keyVault.id, secretUrl: staged.secretUrl, keyUrl: staged.keyUrl };
}

async function createFromTemplate(
  clients: AzureClients,
  staging: StagingBlobs,
  plan: CreateVmPlan,
  names: ReturnType<typeof restoreNames>,
  refs: EncryptionRefs | undefined,
  options: RestorePollOptions,
): Promise<string> {
  const account = plan.outputs.stagingAccountName;
  const where = await staging.locate(account, plan.outputs.templateBlobUri!, options);
  const template = JSON.parse(await staging.readText(account, where.container, where.blob, options)) as unknown;
  if (refs && plan.encryption?.putBack?.changed) retargetEncryption(template, refs);
  const subnet = parseSubnetId(plan.subnetId);
  const parameters = templateParameters(template, {
    VirtualMachineName: names.vm,
    VirtualNetwork: subnet.vnet,
    VirtualNetworkResourceGroup: subnet.resourceGroup,
    Subnet: subnet.subnet,
    NetworkInterfaceName: names.nic,
  });
  const result = await deployTemplate(
    clients,
    plan.targetResourceGroup,
    names.deployment,
    template,
    parameters,
    options,
  );
  // The template decides the VM's name when it declares no name parameter: take it from what was deployed.
  const deployed = result?.properties?.outputResources?.find((r) => /\/virtualMachines\/[^/]+$/i.test(r.id ?? ''));
  return (
    deployed?.id ??
    `${resourceGroupId(clients.settings.subscriptionId, plan.targetResourceGroup)}/providers/Microsoft.Compute/virtualMachines/${names.vm}`
  );
}

async function createFromDisks(
  clients: AzureClients,
  plan: CreateVmPlan,
  names: ReturnType<typeof restoreNames>,
  config: VmConfig,
  disks: RestoredDisks,
  refs: EncryptionRefs | undefined,
  options: RestorePollOptions,
): Promise<string> {
  const vmSize = plan.vmSize ?? config.vmSize;
  if (!vmSize) throw new InvalidInputError('vmSize', 'The VM config names no VM size: choose one.');
  const nicId = await createNic(clients, plan.targetResourceGroup, names.nic, plan.region, plan.subnetId, options);
  return createVmFromDisks(
    clients,
    {
      resourceGroup: plan.targetResourceGroup,
      name: names.vm,
      location: plan.region,
      vmSize,
      osType: plan.osType,
      disks,
      nicId,
      dualPassEncryption: plan.encryption?.pass === 'dual' ? refs : undefined,
    },
    options,
  );
}

function parseSubnetId(id: string): { vnet: string; subnet: string; resourceGroup: string } {
  const m =
    /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)/i.exec(id);
  if (!m) throw new InvalidInputError('subnetId', `'${id}' is not a subnet id.`);
  return { resourceGroup: m[1], vnet: m[2], subnet: m[3] };
}
