import { randomBytes } from 'node:crypto';
import { sameId } from '../../authorization/rbac';
import { AzureError, badRequest } from '../../http/errors';
import type { ProviderContext } from '../../http/types';
import type { KeyVault, KeyVaultObject } from '../../world/types';
import { parseEntries } from '../keyVault/accessPolicies';
import { findVault, vaultBody } from '../keyVault/vaults';
import { checkName } from '../keyVaultData/store';
import type { DeployedResource } from './apply';

/** Key Vault's limit on a secret value (also the data plane's, keyVaultData/secrets.ts). */
const MAX_VALUE_BYTES = 25 * 1024;

/**
 * A key vault created by a template (PUT Microsoft.KeyVault/vaults/{name}; azure-rest-api-specs
 * keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/createVault.json). Vault names are global
 * (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#vault-name-and-object-name):
 * 3-24 letters, digits and hyphens, starting with a letter; a name in use elsewhere, or soft-deleted, is a 409
 * (VaultAlreadyExists; the deleted-vault case's exact code is not modelled). A second deployment updates the vault's
 * permission model and keeps its secrets. Returns what reference() reads: the vault's properties, vaultUri included.
 */
export function applyVault(ctx: ProviderContext, r: DeployedResource): Record<string, unknown> {
  const w = ctx.world;
  const p = r.body.properties ?? {};
  if (!/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(r.name)) {
    throw badRequest(
      'VaultNameNotValid',
      `The vault name '${r.name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    );
  }
  const taken = w.keyVaults.find((k) => sameId(k.name, r.name));
  if (taken && (!taken.exists || !sameId(taken.resourceGroup, r.resourceGroup))) {
    throw new AzureError(409, 'VaultAlreadyExists', `The vault name '${r.name}' is already in use.`);
  }
  if (!ctx.openKeyVault) throw badRequest('InvalidDeployment', 'This sandbox cannot create key vaults.');
  const rbac = p.enableRbacAuthorization === true;
  const policies = !rbac && Array.isArray(p.accessPolicies) && p.accessPolicies.length ? parseEntries(r.body) : [];
  const kv: KeyVault = taken ?? {
    name: r.name,
    resourceGroup: r.resourceGroup!,
    location: r.body.location,
    exists: true,
    rbac,
    accessPolicies: policies,
    keys: [],
    secrets: [],
  };
  if (taken) {
    kv.rbac = rbac;
    kv.accessPolicies = policies;
  } else w.keyVaults.push(kv);
  kv.vaultUri = ctx.openKeyVault(kv.name);
  const properties = vaultBody(w, kv).properties as Record<string, unknown>;
  return {
    ...properties,
    enableSoftDelete: p.enableSoftDelete ?? true,
    softDeleteRetentionInDays: p.softDeleteRetentionInDays ?? 90,
    publicNetworkAccess: p.publicNetworkAccess ?? 'Enabled',
    ...(p.enablePurgeProtection !== undefined ? { enablePurgeProtection: p.enablePurgeProtection } : {}),
  };
}

/**
 * A secret created through ARM (PUT Microsoft.KeyVault/vaults/{vault}/secrets/{name}; azure-rest-api-specs
 * keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/createSecret.json): the value goes into the
 * vault's data plane; the answer has no value, only `secretUri` and `secretUriWithVersion` (read-only). Whether ARM
 * makes a new version when the value is unchanged is not documented: the sandbox keeps the current version then.
 */
export function applySecret(ctx: ProviderContext, r: DeployedResource): Record<string, unknown> {
  const w = ctx.world;
  const [vaultName, name] = r.name.split('/');
  const kv = findVault(w, r.subscriptionId, r.resourceGroup ?? '', vaultName);
  checkName(name);
  const p = r.body.properties ?? {};
  if (typeof p.value !== 'string') throw badRequest('BadRequest', "Property 'properties.value' is required.");
  if (Buffer.byteLength(p.value, 'utf8') > MAX_VALUE_BYTES)
    throw badRequest('BadRequest', 'Secret value is too large: the limit is 25 KB.');
  const versions = kv.secrets.filter((o) => sameId(o.name, name) && o.state !== 'purged');
  if (versions.some((o) => o.state === 'deleted')) {
    throw new AzureError(409, 'Conflict', `Secret ${name} is currently in a deleted but recoverable state.`);
  }
  let current: KeyVaultObject | undefined = versions.at(-1);
  if (!current || current.value !== p.value || current.contentType !== p.contentType) {
    current = {
      name: versions[0]?.name ?? name,
      version: randomBytes(16).toString('hex'),
      state: 'active',
      value: p.value,
      ...(typeof p.contentType === 'string' ? { contentType: p.contentType } : {}),
      created: ctx.engine.nowIso(),
    };
    kv.secrets.push(current);
  }
  const created = Math.floor(Date.parse(current.created) / 1000);
  return {
    ...(current.contentType !== undefined ? { contentType: current.contentType } : {}),
    attributes: { enabled: true, created, updated: created },
    secretUri: `${kv.vaultUri}secrets/${current.name}`,
    secretUriWithVersion: `${kv.vaultUri}secrets/${current.name}/${current.version}`,
  };
}
