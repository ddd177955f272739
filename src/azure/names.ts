import { InvalidInputError } from './errors';
import type { ResourceRef } from './types';

/**
 * ARM ids and Azure Backup names. Azure compares ids and Backup's container / item names case-insensitively and
 * hands them back in whatever casing it likes, so every comparison here ignores case.
 */

export interface ParsedResourceId extends ResourceRef {
  subscriptionId: string;
  /** e.g. Microsoft.Compute/virtualMachines */
  type: string;
}

/** Parses /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/...]. Undefined when it is not one. */
export function parseResourceId(id: string | undefined): ParsedResourceId | undefined {
  if (!id) return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)/i.exec(id);
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, namespace, type, name] = m;
  return { id: m[0], subscriptionId, resourceGroup, type: `${namespace}/${type}`, name };
}

/** Case-insensitive id / name equality. */
export const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** True when `scope` is `parent` or lies below it (role assignments inherit down the scope tree). */
export function scopeCovers(parent: string, scope: string): boolean {
  const p = parent.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return p === '' || s === p || s.startsWith(`${p}/`);
}

/** Region names compared as ARM writes them ('East Asia' and 'eastasia' are one region). */
export const normalizeRegion = (region: string): string => region.replace(/\s+/g, '').toLowerCase();

export const resourceGroupId = (subscriptionId: string, resourceGroup: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;

export const vaultId = (subscriptionId: string, resourceGroup: string, vault: string): string =>
  `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.RecoveryServices/vaults/${vault}`;

export const vmId = (subscriptionId: string, resourceGroup: string, vm: string): string =>
  `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${vm}`;

export const isClassicVmId = (id: string): boolean => /\/providers\/Microsoft\.ClassicCompute\//i.test(id);

/** Backup's names for a Resource Manager VM: container `iaasvmcontainer;iaasvmcontainerv2;{rg};{vm}`, item `vm;…`. */
export function backupNamesFor(
  vmResourceGroup: string,
  vmName: string,
): { containerName: string; protectedItemName: string } {
  const base = `iaasvmcontainerv2;${vmResourceGroup};${vmName}`;
  return { containerName: `iaasvmcontainer;${base}`, protectedItemName: `vm;${base}` };
}

/**
 * Container and item names cut from a protectable or protected item's id, as the Azure CLI does
 * (the segment after protectionContainers/ and after protectableItems/ or protectedItems/).
 */
export function backupNamesFromId(
  id: string | undefined,
): { containerName: string; protectedItemName: string } | undefined {
  if (!id) return undefined;
  const m = /\/protectionContainers\/([^/]+)\/(?:protectableItems|protectedItems)\/([^/]+)/i.exec(id);
  return m ? { containerName: m[1], protectedItemName: m[2] } : undefined;
}

/** The last path segment of an operation URL (Azure-AsyncOperation / Location), without its query. */
export function operationIdFromUrl(url: string): string {
  const path = url.split('?')[0].replace(/\/+$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** The name in a Key Vault object URL: https://{vault}/keys/{name}/{version} or …/secrets/{name}/{version}. */
export function keyVaultObjectName(url: string, kind: 'keys' | 'secrets'): { name: string; version?: string } {
  const m = new RegExp(`/${kind}/([^/?]+)(?:/([^/?]+))?`, 'i').exec(url);
  if (!m) throw new InvalidInputError(kind, `'${url}' is not a Key Vault ${kind === 'keys' ? 'key' : 'secret'} URL.`);
  return { name: decodeURIComponent(m[1]), version: m[2] ? decodeURIComponent(m[2]) : undefined };
}
