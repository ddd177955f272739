import { randomUUID } from 'node:crypto';
import { isAllowed, sameId } from '../../authorization/rbac';
import { AzureError, badRequest } from '../../http/errors';
import type { Caller, ProviderContext } from '../../http/types';
import type { ArmResource } from '../../world/types';
import { putRoleAssignment } from '../authorization/roleAssignments';
import { applyAccessPolicyUpdate, parseEntries } from '../keyVault/accessPolicies';
import { findVault } from '../keyVault/vaults';
import { authorizationFailed, stableGuid } from '../resources/common';
import { applySecret, applyVault } from './keyVaultApply';

/** A template resource after evaluation, with the id ARM gives it. */
export interface DeployedResource {
  id: string;
  type: string;
  name: string;
  subscriptionId: string;
  /** Undefined at subscription scope. */
  resourceGroup?: string;
  body: Record<string, any>;
}

/**
 * Types the sandbox stores and returns with no behaviour behind them (hosts, the Azure Bot, monitoring), by the
 * api-versions infra/ uses. Shapes: azure-rest-api-specs — web/resource-manager/Microsoft.Web (WebApps_CreateOrUpdate,
 * AppServicePlans_CreateOrUpdate), app/resource-manager/Microsoft.App (ContainerApps_CreateOrUpdate,
 * ManagedEnvironments_CreateOrUpdate), botservice/resource-manager/Microsoft.BotService (CreateBot, PutChannel),
 * monitor/resource-manager/Microsoft.Insights (actionGroups), applicationinsights/resource-manager (components),
 * operationalinsights/resource-manager (workspaces), alertsmanagement/resource-manager
 * (AlertProcessingRules_Create_or_update).
 */
export const STORED_TYPES: Record<string, string[]> = {
  'Microsoft.Web/serverfarms': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/sites': ['2023-12-01', '2024-04-01'],
  'Microsoft.Web/sites/config': ['2023-12-01', '2024-04-01'],
  'Microsoft.App/managedEnvironments': ['2024-03-01'],
  'Microsoft.App/containerApps': ['2024-03-01'],
  'Microsoft.BotService/botServices': ['2022-09-15'],
  'Microsoft.BotService/botServices/channels': ['2022-09-15'],
  'Microsoft.Insights/actionGroups': ['2023-01-01'],
  'Microsoft.AlertsManagement/actionRules': ['2021-08-08'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.OperationalInsights/workspaces': ['2023-09-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2023-01-31'],
};

/** Types with behaviour in the sandbox that templates may deploy, beyond the stored ones. */
export const APPLIED_TYPES = [
  'Microsoft.Authorization/roleAssignments',
  'Microsoft.Authorization/roleDefinitions',
  'Microsoft.KeyVault/vaults/accessPolicies',
  'Microsoft.KeyVault/vaults',
  'Microsoft.KeyVault/vaults/secrets',
  'Microsoft.Storage/storageAccounts',
  'Microsoft.Storage/storageAccounts/blobServices/containers',
  'Microsoft.Resources/deployments',
];

export const isDeployableType = (type: string): boolean =>
  [...Object.keys(STORED_TYPES), ...APPLIED_TYPES].some((t) => sameId(t, type));

function requireWrite(ctx: ProviderContext, caller: Caller | undefined, type: string, id: string): void {
  const action = `${type}/write`;
  if (caller && !isAllowed(ctx.world, caller.objectId, { action, scope: id }))
    throw authorizationFailed(caller, action, id);
}

/**
 * Applies one resource as the deploying caller, with the consequences its own PUT has. Returns what reference()
 * reads back: the resource's properties, including the read-only ones Azure computes.
 */
export function applyResource(ctx: ProviderContext, caller: Caller | undefined, r: DeployedResource): unknown {
  const w = ctx.world;
  const now = ctx.engine.nowIso();
  const t = r.type.toLowerCase();
  if (t === 'microsoft.authorization/roleassignments') {
    if (!caller) throw badRequest('InvalidDeployment', 'A role assignment needs a deploying caller.');
    const scope = r.id.slice(0, r.id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/'));
    return (putRoleAssignment(w, caller, scope, r.name, r.body, now).body as any).properties;
  }
  if (t === 'microsoft.authorization/roledefinitions') return putRoleDefinition(ctx, caller, r);
  if (t === 'microsoft.keyvault/vaults/accesspolicies') {
    const [vaultName, kind] = r.name.split('/');
    const kv = findVault(w, r.subscriptionId, r.resourceGroup ?? '', vaultName);
    const vaultId = r.id.slice(0, r.id.toLowerCase().lastIndexOf('/accesspolicies/'));
    requireWrite(ctx, caller, 'Microsoft.KeyVault/vaults/accessPolicies', vaultId);
    if (!['add', 'replace', 'remove'].includes(kind?.toLowerCase() ?? ''))
      throw badRequest(
        'BadRequest',
        `The access policy operation '${kind}' is not valid. Use 'add', 'replace' or 'remove'.`,
      );
    applyAccessPolicyUpdate(kv, kind.toLowerCase(), parseEntries(r.body));
    return r.body.properties;
  }
  if (t === 'microsoft.keyvault/vaults') {
    requireWrite(ctx, caller, r.type, r.id);
    return applyVault(ctx, r);
  }
  if (t === 'microsoft.keyvault/vaults/secrets') {
    requireWrite(ctx, caller, r.type, r.id);
    return applySecret(ctx, r);
  }
  if (t === 'microsoft.storage/storageaccounts') {
    requireWrite(ctx, caller, r.type, r.id);
    const existing = w.storageAccounts.find((a) => sameId(a.name, r.name));
    if (existing && !sameId(existing.resourceGroup, r.resourceGroup)) {
      throw new AzureError(409, 'StorageAccountAlreadyTaken', `The storage account named ${r.name} is already taken.`);
    }
    if (!existing) {
      w.storageAccounts.push({
        name: r.name,
        resourceGroup: r.resourceGroup!,
        location: r.body.location,
        sku: r.body.sku?.name ?? 'Standard_LRS',
        kind: r.body.kind ?? 'StorageV2',
      });
    }
    w.blobs[r.name] ??= {};
    return store(w.armResources, r, {
      primaryEndpoints: { blob: `https://${r.name}.blob.core.windows.net/` },
      provisioningState: 'Succeeded',
    });
  }
  if (t === 'microsoft.storage/storageaccounts/blobservices/containers') {
    const [account, , container] = r.name.split('/');
    requireWrite(ctx, caller, r.type, r.id);
    if (!w.blobs[account]) throw new AzureError(404, 'ResourceNotFound', `Storage account '${account}' not found.`);
    w.blobs[account][container] ??= {};
    return store(w.armResources, r, {});
  }
  if (t === 'microsoft.managedidentity/userassignedidentities') {
    requireWrite(ctx, caller, r.type, r.id);
    let identity = w.identities.find((i) => sameId(i.name, r.name) && sameId(i.resourceGroup, r.resourceGroup));
    if (!identity) {
      identity = {
        name: r.name,
        resourceGroup: r.resourceGroup!,
        clientId: randomUUID(),
        objectId: randomUUID(),
        approved: false,
      };
      w.identities.push(identity);
    }
    // Read-only properties: azure-rest-api-specs msi/resource-manager/.../IdentityCreate.json
    return store(w.armResources, r, {
      tenantId: w.tenantId,
      principalId: identity.objectId,
      clientId: identity.clientId,
    });
  }
  requireWrite(ctx, caller, r.type, r.id);
  return store(w.armResources, r, computed(w.armResources, r));
}

/** Read-only properties Azure computes that templates read back with reference(). */
function computed(all: ArmResource[], r: DeployedResource): Record<string, unknown> {
  switch (r.type.toLowerCase()) {
    case 'microsoft.web/sites':
      // defaultHostName: specs web/.../examples/GetWebApp.json
      return { defaultHostName: `${r.name.toLowerCase()}.azurewebsites.net`, state: 'Running' };
    case 'microsoft.app/managedenvironments':
      // defaultDomain: specs app/.../examples/ManagedEnvironments_Get.json ("<random>.<region>.azurecontainerapps.io")
      return { defaultDomain: `${stableGuid(r.id).slice(0, 12)}.${r.body.location}.azurecontainerapps.io` };
    case 'microsoft.app/containerapps': {
      // configuration.ingress.fqdn: specs app/.../examples/ContainerApps_Get.json ("<app>.<environment default domain>")
      const env = all.find((a) => sameId(a.id, r.body.properties?.managedEnvironmentId));
      const ingress = r.body.properties?.configuration?.ingress;
      if (!env || !ingress) return {};
      return {
        configuration: {
          ...r.body.properties.configuration,
          ingress: { ...ingress, fqdn: `${r.name}.${env.properties.defaultDomain}` },
        },
      };
    }
    case 'microsoft.insights/components': {
      // ConnectionString (read-only): specs applicationinsights/.../examples/ComponentsGet.json
      const key = stableGuid(`appinsights:${r.id}`);
      return {
        InstrumentationKey: key,
        ConnectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${r.body.location}-0.in.applicationinsights.azure.com/`,
      };
    }
    default:
      return {};
  }
}

function store(all: ArmResource[], r: DeployedResource, readOnly: Record<string, unknown>): Record<string, any> {
  const b = r.body;
  const properties = { ...(b.properties ?? {}), ...readOnly, provisioningState: 'Succeeded' };
  const row: ArmResource = {
    id: r.id,
    type: r.type,
    name: r.name,
    resourceGroup: r.resourceGroup ?? '',
    ...(b.location !== undefined ? { location: b.location } : {}),
    ...(b.kind !== undefined ? { kind: b.kind } : {}),
    ...(b.sku !== undefined ? { sku: b.sku } : {}),
    ...(b.identity !== undefined ? { identity: b.identity } : {}),
    properties,
    apiVersion: b.apiVersion,
  };
  const at = all.findIndex((a) => sameId(a.id, r.id));
  if (at >= 0) all[at] = row;
  else all.push(row);
  return properties;
}

/**
 * Custom role definitions (PUT Microsoft.Authorization/roleDefinitions/{guid}, 2022-04-01; specs
 * authorization/resource-manager/.../examples/PutRoleDefinition.json). Needs roleDefinitions/write at the
 * assignable scope; a role name is unique in the tenant (409 RoleDefinitionWithSameNameExists).
 */
function putRoleDefinition(ctx: ProviderContext, caller: Caller | undefined, r: DeployedResource): unknown {
  const w = ctx.world;
  const p = r.body.properties ?? {};
  const perm = Array.isArray(p.permissions) ? p.permissions[0] : undefined;
  if (typeof p.roleName !== 'string' || !perm || !Array.isArray(p.assignableScopes) || !p.assignableScopes.length) {
    throw badRequest(
      'InvalidRoleDefinition',
      "The role definition needs 'roleName', 'permissions' and 'assignableScopes'.",
    );
  }
  for (const scope of p.assignableScopes as string[])
    requireWrite(ctx, caller, 'Microsoft.Authorization/roleDefinitions', scope);
  const clash = w.roleDefinitions.find(
    (d) => d.roleName.toLowerCase() === p.roleName.toLowerCase() && !sameId(d.name, r.name),
  );
  if (clash) {
    throw new AzureError(
      409,
      'RoleDefinitionWithSameNameExists',
      `A custom role with the same name already exists in this directory.`,
    );
  }
  const def = {
    name: r.name.toLowerCase(),
    roleName: p.roleName,
    actions: [...(perm.actions ?? [])],
    notActions: [...(perm.notActions ?? [])],
    dataActions: [...(perm.dataActions ?? [])],
    notDataActions: [...(perm.notDataActions ?? [])],
    type: 'CustomRole' as const,
  };
  const at = w.roleDefinitions.findIndex((d) => sameId(d.name, r.name));
  if (at >= 0) w.roleDefinitions[at] = def;
  else w.roleDefinitions.push(def);
  return p;
}
