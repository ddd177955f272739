import type { AzureClients } from '../clients';
import { InvalidInputError } from '../errors';
import { parseResourceId, resourceGroupId } from '../names';
import type { CreatedVm, CreateVmPlan, OperationOptions, RestorePollOptions } from '../types';
import { adeExtension, adeExtensionName, dualPassCommand } from './adeExtension';
import { TEMPLATE_RESTORE_SINCE } from './backupDate';
import { parseEncryptionInfo } from './encryptionInfo';
import { lookUpVaultUri } from './keyAndSecret';
import { restoreNames } from './naming';
import { tagCreatedResources } from './tags';
import type { StagingBlobs } from './staging';
import { deployTemplate, retargetEncryption, templateParameters, type EncryptionRefs } from './template';
import { checkRestoreTemplate } from './templateGuard';
import { createMode, RESTORE_TAG } from './createOnce';
import { createNic, createVmFromDisks, pointOsDiskAtKeys } from './vmFromDisks';
import { parseVmConfig, resolveRestoredDisks, type RestoredDisks, type VmConfig } from './vmConfig';

/** See RestoreOperations.createVm: the template path or the compute path, then the ADE extension. */
export async function createVmFromRestore(
  clients: AzureClients,
  staging: StagingBlobs,
  plan: CreateVmPlan,
  options: RestorePollOptions,
): Promise<CreatedVm> {
  const derived = restoreNames(plan.requestId, plan.sourceVmName, plan.vmName);
  const names = { ...derived, nic: plan.nicName ?? derived.nic };
  const rg = plan.targetResourceGroup;
  const templateUsable =
    !!plan.outputs.templateBlobUri && plan.recoveryPointTime.getTime() >= TEMPLATE_RESTORE_SINCE.getTime();
  if (plan.path === 'template' && !templateUsable) {
    throw new InvalidInputError(
      'path',
      'This recovery point has no deployment template (points before 26 April 2017).',
    );
  }
  // The compute API from the approved plan by default; the template only when asked for, and only as checked below.
  const path = plan.path ?? 'compute';
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
  let adeCommand: string | undefined;
  if (enc?.pass === 'dual' && refs) {
    // Never the single-pass extension on dual-pass disks, and no dual-pass one without the app's secret.
    const vaultUri = enc.keyVault.vaultUri ?? (await lookUpVaultUri(clients, enc.keyVault.id, options));
    adeCommand = dualPassCommand({
      resourceGroup: rg,
      vmName: parseResourceId(vmId)?.name ?? names.vm,
      aadClientId: enc.aadClientId,
      keyVaultUri: vaultUri,
      keyVaultId: refs.keyVaultId,
      keyUrl: refs.keyUrl,
      kekVaultId: refs.kekVaultId ?? refs.keyVaultId,
    });
  } else if (enc && refs) {
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
        kekVaultId: refs.kekVaultId,
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
    ...(adeCommand ? { adeCommand } : {}),
  };
}

/** Where the new VM's disks find their key and secret: put-back URLs, given URLs, or the staged encryption info. */
async function encryptionRefs(
  staging: StagingBlobs,
  plan: CreateVmPlan,
  options: OperationOptions,
): Promise<EncryptionRefs> {
  const enc = plan.encryption!;
  const kek = enc.kekVault ? { kekVaultId: enc.kekVault.id } : {};
  if (enc.putBack)
    return { keyVaultId: enc.keyVault.id, secretUrl: enc.putBack.secretUrl, keyUrl: enc.putBack.keyUrl, ...kek };
  if (enc.secretUrl) return { keyVaultId: enc.keyVault.id, secretUrl: enc.secretUrl, keyUrl: enc.keyUrl, ...kek };
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
  return { keyVaultId: enc.keyVault.id, secretUrl: staged.secretUrl, keyUrl: staged.keyUrl, ...kek };
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
  let template: unknown;
  try {
    template = JSON.parse(await staging.readText(account, where.container, where.blob, options)) as unknown;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    template = undefined;
  }
  const subnet = parseSubnetId(plan.subnetId);
  // Parameter names the restore template declares are not documented; values go only to names it declares.
  const parameters = templateParameters(template, {
    VirtualMachineName: names.vm,
    VirtualNetwork: subnet.vnet,
    VirtualNetworkResourceGroup: subnet.resourceGroup,
    Subnet: subnet.subnet,
    NetworkInterfaceName: names.nic,
  });
  // Anyone with blob write access to the staging account could have edited it: only the plan's resources pass.
  checkRestoreTemplate(template, parameters, {
    resourceGroup: plan.targetResourceGroup,
    region: plan.region,
    vmName: names.vm,
    nicName: names.nic,
  });
  if (refs && plan.encryption?.putBack?.changed) retargetEncryption(template, refs);
  // A deployment cannot send If-None-Match per resource: the VM and NIC names are re-checked right before it, and
  // both resources carry this restore's tag, so only a resumed run of the same restore may deploy over them.
  const { abortSignal } = options;
  const at = { resourceGroup: plan.targetResourceGroup, requestId: plan.requestId };
  await createMode(() => clients.compute.virtualMachines.get(at.resourceGroup, names.vm, { abortSignal }), {
    type: 'VM',
    name: names.vm,
    ...at,
  });
  await createMode(() => clients.network.networkInterfaces.get(at.resourceGroup, names.nic, { abortSignal }), {
    type: 'NIC',
    name: names.nic,
    ...at,
  });
  for (const r of (template as { resources: Record<string, unknown>[] }).resources) {
    r.tags = { ...((r.tags as Record<string, string> | undefined) ?? {}), [RESTORE_TAG]: plan.requestId };
  }
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
  // Re-check the VM's name before the NIC is made, so a refusal leaves nothing behind.
  const vmMode = await createMode(
    () => clients.compute.virtualMachines.get(plan.targetResourceGroup, names.vm, { abortSignal: options.abortSignal }),
    { type: 'VM', name: names.vm, resourceGroup: plan.targetResourceGroup, requestId: plan.requestId },
  );
  const nicId = await createNic(
    clients,
    {
      resourceGroup: plan.targetResourceGroup,
      name: names.nic,
      location: plan.region,
      subnetId: plan.subnetId,
      requestId: plan.requestId,
    },
    options,
  );
  return createVmFromDisks(
    clients,
    {
      requestId: plan.requestId,
      resourceGroup: plan.targetResourceGroup,
      name: names.vm,
      location: plan.region,
      vmSize,
      osType: plan.osType,
      disks,
      nicId,
      mode: vmMode,
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
