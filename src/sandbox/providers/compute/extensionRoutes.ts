import { sameId } from '../../authorization/rbac';
import type { OperationOutcome } from '../../engine';
import { rgId } from '../../http/arm';
import { AzureError, badRequest, notFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { VirtualMachine, VmExtension } from '../../world/types';
import { COMPUTE_API_VERSIONS } from '../resources/apiVersions';
import { lroHeaders, requireResourceGroup } from '../resources/common';
import { computeOperationPath, disksOf, findVm, VM_TYPE } from './lookup';
import { extensionBody } from './vmBody';

const EXT_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/extensions';
const EXT_TYPE = `${VM_TYPE}/extensions`;
const vmScope = (req: SandboxRequest) =>
  `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${VM_TYPE}/${req.params.vmName}`;

/** ARM's answer for a child resource whose parent VM does not exist. */
function requireParentVm(req: SandboxRequest, ctx: ProviderContext): VirtualMachine {
  const rg = requireResourceGroup(req, ctx);
  const vm = findVm(ctx, rg.name, req.params.vmName);
  if (!vm) {
    throw new AzureError(
      404,
      'ParentResourceNotFound',
      `Can not perform requested operation on nested resource. Parent resource '${req.params.vmName}' not found.`,
    );
  }
  return vm;
}

export const extensionRoutes: Route[] = [
  {
    id: 'virtualMachineExtensions.list',
    method: 'GET',
    path: EXT_PATH,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${EXT_TYPE}/read`, scope: vmScope(req) }),
    handler: (req, ctx) => {
      const vm = requireParentVm(req, ctx);
      return { status: 200, body: { value: vm.extensions.map((e) => extensionBody(ctx, vm, e)) } };
    },
  },
  {
    id: 'virtualMachineExtensions.get',
    method: 'GET',
    path: `${EXT_PATH}/{vmExtensionName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({
      action: `${EXT_TYPE}/read`,
      scope: `${vmScope(req)}/extensions/${req.params.vmExtensionName}`,
    }),
    handler: (req, ctx) => {
      const vm = requireParentVm(req, ctx);
      const ext = vm.extensions.find((e) => sameId(e.name, req.params.vmExtensionName));
      if (!ext) throw notFound(EXT_TYPE, `${vm.name}/${req.params.vmExtensionName}`, vm.resourceGroup);
      return { status: 200, body: extensionBody(ctx, vm, ext) };
    },
  },
  {
    id: 'virtualMachineExtensions.createOrUpdate',
    method: 'PUT',
    path: `${EXT_PATH}/{vmExtensionName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({
      action: `${EXT_TYPE}/write`,
      scope: `${vmScope(req)}/extensions/${req.params.vmExtensionName}`,
    }),
    handler: (req, ctx) => {
      const vm = requireParentVm(req, ctx);
      const p = req.body?.properties ?? {};
      for (const field of ['publisher', 'type', 'typeHandlerVersion']) {
        if (typeof p[field] !== 'string' || p[field] === '')
          throw badRequest('InvalidParameter', `Required parameter 'properties.${field}' is missing (null).`);
      }
      let ext = vm.extensions.find((e) => sameId(e.name, req.params.vmExtensionName));
      const created = !ext;
      if (!ext) {
        ext = {
          name: req.params.vmExtensionName,
          publisher: '',
          type: '',
          typeHandlerVersion: '',
          settings: {},
          provisioningState: 'Creating',
        };
        vm.extensions.push(ext);
      }
      Object.assign(ext, {
        publisher: p.publisher,
        type: p.type,
        typeHandlerVersion: p.typeHandlerVersion,
        settings: p.settings && typeof p.settings === 'object' ? p.settings : {},
        provisioningState: created ? 'Creating' : 'Updating',
      });
      const target = ext;
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        const outcome = provision(ctx, vm, target);
        target.provisioningState = outcome.status === 'Succeeded' ? 'Succeeded' : 'Failed';
        return outcome;
      });
      return {
        status: created ? 201 : 200,
        headers: lroHeaders(req, ctx, { asyncOperation: computeOperationPath(ctx, vm.location, op.id) }),
        body: extensionBody(ctx, vm, target),
      };
    },
  },
];

/**
 * What the guest does with the extension: nothing happens without a ready VM agent, and Azure Disk Encryption
 * fails when its key vault or key encryption key cannot be found.
 */
function provision(ctx: ProviderContext, vm: VirtualMachine, ext: VmExtension): OperationOutcome {
  if (!vm.agentReady) {
    return failed(
      'VMAgentStatusCommunicationError',
      `VM '${vm.name}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage.`,
    );
  }
  if (ext.publisher !== 'Microsoft.Azure.Security' || !/^AzureDiskEncryption(ForLinux)?$/.test(ext.type))
    return { status: 'Succeeded' };
  const s = ext.settings as Record<string, string | undefined>;
  // Dual pass (ADE with a Microsoft Entra app: extension 1.x on Windows, 0.x on Linux) needs AADClientID and the
  // app's secret or certificate; a VM whose disks carry dual-pass settings must stay on it: "If your VM was encrypted
  // with Microsoft Entra ID, you must continue to use this option" (learn.microsoft.com/azure/virtual-machines/windows/
  // disk-encryption-overview-aad, .../linux/disk-encryption-overview-aad; extension versions from
  // .../extensions/azure-disk-enc-windows and azure-disk-enc-linux). The failure's wording is not documented; the
  // sandbox uses the extension failure shape (VMExtensionProvisioningError) for it.
  const dualExtension = extensionIsDualPass(ext);
  if (carriesDualPassSettings(ctx, vm) && !dualExtension) {
    return adeFailed(
      ext,
      `The disks of this VM carry Azure Disk Encryption settings made with a Microsoft Entra app (dual pass, settings version 1.0); extension version ${ext.typeHandlerVersion} (single pass) cannot be used on them. Use the dual-pass extension with AADClientID and AADClientSecret.`,
    );
  }
  if (dualExtension && !s.AADClientID) return adeFailed(ext, 'AADClientID is required with this extension version.');
  const vaultName = s.KeyVaultResourceId?.split('/').pop();
  const kv = ctx.world.keyVaults.find((k) => k.exists && sameId(k.name, vaultName));
  if (!kv) return adeFailed(ext, `Failed to find the key vault '${s.KeyVaultResourceId ?? ''}'.`);
  // https://{vault}/keys/{name}/{version}: the KEK must be an active key of its vault, which is KekVaultResourceId
  // when set (the KEK may live in another key vault than the BEK: azure-disk-enc-windows, "KekVaultResourceId").
  const kekVaultName = (s.KekVaultResourceId ?? s.KeyVaultResourceId)?.split('/').pop();
  const kekVault = ctx.world.keyVaults.find((k) => k.exists && sameId(k.name, kekVaultName));
  const kekName = s.KeyEncryptionKeyURL ? /\/keys\/([^/?]+)/i.exec(s.KeyEncryptionKeyURL)?.[1] : undefined;
  if (s.KeyEncryptionKeyURL && !kekVault?.keys.some((k) => k.state === 'active' && sameId(k.name, kekName))) {
    return adeFailed(ext, `Failed to get the key encryption key '${s.KeyEncryptionKeyURL}' from the key vault.`);
  }
  return { status: 'Succeeded' };
}

/** Windows 1.x / Linux 0.x are the versions with the Microsoft Entra app (dual pass); 2.x / 1.x are single pass. */
function extensionIsDualPass(ext: VmExtension): boolean {
  const major = Number.parseInt(ext.typeHandlerVersion, 10);
  return /ForLinux$/i.test(ext.type) ? major < 1 : major < 2;
}

/** Dual-pass settings: on the VM model (the VM's encryption) or on its OS disk (encryptionSettingsVersion 1.0). */
function carriesDualPassSettings(ctx: ProviderContext, vm: VirtualMachine): boolean {
  if (vm.encryption?.pass === 'dual') return true;
  return disksOf(ctx, vm).os?.encryption?.version === '1.0';
}

const failed = (code: string, message: string): OperationOutcome => ({ status: 'Failed', error: { code, message } });
const adeFailed = (ext: VmExtension, detail: string) =>
  failed(
    'VMExtensionProvisioningError',
    `VM has reported a failure when processing extension '${ext.name}'. Error message: "${detail}"`,
  );
