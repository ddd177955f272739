import { page, rgId } from '../../http/arm';
import { AzureError, badRequest, notFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { ManagedDisk } from '../../world/types';
import { DISK_API_VERSIONS } from '../resources/apiVersions';
import { lroHeaders, requireResourceGroup, requireSubscription, stableGuid } from '../resources/common';
import { parseTags } from '../tagRoutes';
import { checkKeyVaultRefs, type KeyVaultRefs } from './keyVaultRefs';
import { DISK_TYPE, diskOperationPath, diskResourceId, findDisk } from './lookup';

const DISK_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/disks';
const diskScope = (req: SandboxRequest) =>
  `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${DISK_TYPE}/${req.params.diskName}`;

function requireDisk(req: SandboxRequest, ctx: ProviderContext): ManagedDisk {
  const rg = requireResourceGroup(req, ctx);
  const disk = findDisk(ctx, rg.name, req.params.diskName);
  if (!disk) throw notFound(DISK_TYPE, req.params.diskName, rg.name);
  return disk;
}

/** A managed disk as the disk RP returns it; single-pass ADE settings live in properties.encryptionSettingsCollection. */
export function diskBody(ctx: ProviderContext, d: ManagedDisk): Record<string, unknown> {
  const id = diskResourceId(ctx, d);
  const properties: Record<string, unknown> = {
    ...(d.osType ? { osType: d.osType, hyperVGeneration: 'V2' } : {}),
    creationData: { createOption: 'Empty' },
    diskSizeGB: d.sizeGb,
    diskSizeBytes: d.sizeGb * 1024 ** 3,
    uniqueId: stableGuid(`disk:${id}`),
    provisioningState: 'Succeeded',
    diskState: d.managedBy ? 'Attached' : 'Unattached',
    encryption: { type: 'EncryptionAtRestWithPlatformKey' },
    networkAccessPolicy: 'AllowAll',
    publicNetworkAccess: 'Enabled',
  };
  if (d.encryption) {
    properties.encryptionSettingsCollection = {
      enabled: true,
      encryptionSettings: [
        {
          diskEncryptionKey: { sourceVault: { id: d.encryption.vaultId }, secretUrl: d.encryption.secretUrl },
          ...(d.encryption.keyUrl
            ? {
                keyEncryptionKey: {
                  sourceVault: { id: d.encryption.kekVaultId ?? d.encryption.vaultId },
                  keyUrl: d.encryption.keyUrl,
                },
              }
            : {}),
        },
      ],
      encryptionSettingsVersion: d.encryption.version,
    };
  }
  return {
    id,
    name: d.name,
    type: DISK_TYPE,
    location: d.location,
    ...(d.managedBy ? { managedBy: d.managedBy } : {}),
    sku: { name: 'Premium_LRS', tier: 'Premium' },
    tags: d.tags ?? {},
    properties,
  };
}

export const diskRoutes: Route[] = [
  {
    id: 'disks.get',
    method: 'GET',
    path: `${DISK_PATH}/{diskName}`,
    apiVersions: DISK_API_VERSIONS,
    permission: (req) => ({ action: `${DISK_TYPE}/read`, scope: diskScope(req) }),
    handler: (req, ctx) => ({ status: 200, body: diskBody(ctx, requireDisk(req, ctx)) }),
  },
  {
    id: 'disks.listByResourceGroup',
    method: 'GET',
    path: DISK_PATH,
    apiVersions: DISK_API_VERSIONS,
    permission: (req) => ({
      action: `${DISK_TYPE}/read`,
      scope: rgId(req.params.subscriptionId, req.params.resourceGroupName),
    }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const disks = ctx.world.disks.filter((d) => d.resourceGroup.toLowerCase() === rg.name.toLowerCase());
      return {
        status: 200,
        body: page(
          req,
          disks.map((d) => diskBody(ctx, d)),
          100,
        ),
      };
    },
  },
  {
    id: 'disks.list',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/disks',
    apiVersions: DISK_API_VERSIONS,
    permission: (req) => ({ action: `${DISK_TYPE}/read`, scope: `/subscriptions/${req.params.subscriptionId}` }),
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.disks.map((d) => diskBody(ctx, d)),
          100,
        ),
      };
    },
  },
  {
    // https://learn.microsoft.com/rest/api/compute/disks/delete: 202 with Azure-AsyncOperation, 204 when absent; an
    // attached disk is refused (OperationNotAllowed) until its VM lets it go.
    id: 'disks.delete',
    method: 'DELETE',
    path: `${DISK_PATH}/{diskName}`,
    apiVersions: DISK_API_VERSIONS,
    permission: (req) => ({ action: `${DISK_TYPE}/delete`, scope: diskScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const disk = findDisk(ctx, rg.name, req.params.diskName);
      if (!disk) return { status: 204 };
      if (disk.managedBy) {
        throw new AzureError(409, 'OperationNotAllowed', `Disk ${disk.name} is attached to VM ${disk.managedBy}.`);
      }
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        const i = ctx.world.disks.indexOf(disk);
        if (i >= 0) ctx.world.disks.splice(i, 1);
        return { status: 'Succeeded' };
      });
      const path = diskOperationPath(ctx, disk.location, op.id);
      return { status: 202, headers: lroHeaders(req, ctx, { asyncOperation: path, location: path }) };
    },
  },
  {
    id: 'disks.update',
    method: 'PATCH',
    path: `${DISK_PATH}/{diskName}`,
    apiVersions: DISK_API_VERSIONS,
    permission: (req) => ({ action: `${DISK_TYPE}/write`, scope: diskScope(req) }),
    handler: (req, ctx) => {
      const disk = requireDisk(req, ctx);
      const p = req.body?.properties ?? {};
      const encryption = encryptionUpdate(p.encryptionSettingsCollection, disk);
      if (encryption)
        checkKeyVaultRefs(
          ctx,
          req.caller,
          { action: `${DISK_TYPE}/write`, scope: diskResourceId(ctx, disk) },
          refsOf(encryption),
        );
      // DiskUpdate.tags (https://learn.microsoft.com/rest/api/compute/disks/update) replaces the disk's tags.
      const tags = req.body?.tags !== undefined ? parseTags(req.body) : undefined;
      const size = p.diskSizeGB;
      if (size !== undefined && (!Number.isInteger(size) || size < disk.sizeGb)) {
        throw badRequest(
          'BadRequest',
          `Disk size can only be increased: the disk is ${disk.sizeGb} GB, requested ${String(size)} GB.`,
        );
      }
      // The disk RP applies the change when its operation completes; the final GET (Location, monitor=true) shows it.
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        if (encryption !== undefined) disk.encryption = encryption === null ? undefined : encryption;
        if (typeof size === 'number') disk.sizeGb = size;
        if (tags) disk.tags = tags;
        return { status: 'Succeeded', result: diskBody(ctx, disk) };
      });
      const path = diskOperationPath(ctx, disk.location, op.id);
      return { status: 202, headers: lroHeaders(req, ctx, { asyncOperation: path, location: path }) };
    },
  },
];

type DiskEncryption = NonNullable<ManagedDisk['encryption']>;

/**
 * Reads properties.encryptionSettingsCollection: undefined = unchanged, null = encryption removed. The settings
 * version (1.0 = ADE with the Azure AD app, 1.1 = without) cannot change once set.
 */
function encryptionUpdate(esc: any, disk: ManagedDisk): DiskEncryption | null | undefined {
  if (esc === undefined) return undefined;
  if (esc === null || esc.enabled === false) return null;
  const s = Array.isArray(esc.encryptionSettings) ? esc.encryptionSettings[0] : undefined;
  const secretUrl = s?.diskEncryptionKey?.secretUrl;
  const vaultId = s?.diskEncryptionKey?.sourceVault?.id;
  if (typeof secretUrl !== 'string' || typeof vaultId !== 'string') {
    throw badRequest(
      'InvalidParameter',
      "encryptionSettingsCollection.encryptionSettings[0].diskEncryptionKey needs 'secretUrl' and 'sourceVault.id'.",
    );
  }
  const version = esc.encryptionSettingsVersion ?? disk.encryption?.version ?? '1.1';
  if (version !== '1.0' && version !== '1.1')
    throw badRequest('InvalidParameter', `The value '${String(version)}' of 'encryptionSettingsVersion' is invalid.`);
  if (disk.encryption && disk.encryption.version !== version) {
    throw badRequest(
      'InvalidParameter',
      `The encryptionSettingsVersion of disk '${disk.name}' is '${disk.encryption.version}' and cannot be changed.`,
    );
  }
  const keyUrl = s.keyEncryptionKey?.keyUrl;
  const kekVaultId = s.keyEncryptionKey?.sourceVault?.id;
  return {
    vaultId,
    secretUrl,
    keyUrl: typeof keyUrl === 'string' ? keyUrl : undefined,
    ...(typeof kekVaultId === 'string' && kekVaultId.toLowerCase() !== vaultId.toLowerCase() ? { kekVaultId } : {}),
    version,
  };
}

const refsOf = (e: DiskEncryption): KeyVaultRefs => ({
  secretUrl: e.secretUrl,
  secretVaultId: e.vaultId,
  keyUrl: e.keyUrl,
  keyVaultId: e.kekVaultId,
});
