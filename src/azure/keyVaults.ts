import { randomUUID } from 'node:crypto';
import type { Vault } from '@azure/arm-keyvault';
import { azureCall, isNotFound } from './call';
import type { AzureClients } from './clients';
import { DirectoryOperations } from './directory';
import { AmbiguousNameError, AzureRequestError, InvalidInputError, NotFoundError } from './errors';
import { hasBackupRole, missingPolicyPermissions, roleChange, roleDefinitionIdFor } from './mapping/keyVaultAccess';
import { keyVaultObjectName, parseResourceId, sameId } from './names';
import { collectPages, findInPages } from './paging';
import { ResourceLookup } from './resourceGraph';
import type {
  KeyVaultNeed,
  KeyVaultAccess,
  KeyVaultGrantResult,
  KeyVaultObjectState,
  KeyVaultRef,
  KeyVaultSummary,
  OperationOptions,
  ResourceRef,
} from './types';

const VAULT_SCOPE = 'https://vault.azure.net/.default';

/** The listed body behind each summary `list()` returned, so `getAccess(summary)` needs no second read. */
const listedBodies = new WeakMap<KeyVaultSummary, Vault>();

/** Key vaults holding ADE keys: whether Backup Management Service may read them, the grant, and key/secret state. */
export class KeyVaultOperations {
  private readonly directory: DirectoryOperations;

  constructor(readonly clients: AzureClients) {
    this.directory = new DirectoryOperations(clients);
  }

  /**
   * The subscription's key vaults with their access model: one list call, pages followed (the listing carries each
   * vault's properties, access policies included). Needs `Microsoft.KeyVault/vaults/read` on the subscription (or
   * on the vaults' resource groups: the list shows what the identity may read).
   */
  async list(options: OperationOptions = {}): Promise<KeyVaultSummary[]> {
    const abortSignal = options.abortSignal;
    return azureCall('listKeyVaults', async () => {
      // One list per managed subscription (issue 17), in the configured order.
      const subscriptions = await this.clients.all(options);
      const vaults = (
        await Promise.all(
          subscriptions.map((c) => collectPages(c.keyVault.vaults.listBySubscription({ abortSignal }), abortSignal)),
        )
      ).flat();
      return vaults.flatMap((vault) => {
        const ref = parseResourceId(vault.id);
        if (!ref) return [];
        const summary: KeyVaultSummary = {
          id: ref.id,
          name: vault.name ?? ref.name,
          resourceGroup: ref.resourceGroup,
          location: vault.location ?? '',
          model: vault.properties?.enableRbacAuthorization === true ? 'rbac' : 'accessPolicy',
          vaultUri: vault.properties?.vaultUri,
        };
        const labelled = this.clients.subscriptions.label(summary);
        listedBodies.set(labelled, vault);
        return [labelled];
      });
    });
  }

  /**
   * Whether Backup Management Service can back up the VM's key and secret from this key vault. Calls: the vault
   * (404 → exists: false; none for a summary `list()` returned: its listing is used) + for RBAC vaults one
   * role-assignment list for the vault scope filtered by principal. Needs `Microsoft.KeyVault/vaults/read` and, on
   * RBAC vaults, `Microsoft.Authorization/roleAssignments/read`.
   */
  async getAccess(
    keyVault: KeyVaultRef | KeyVaultSummary,
    encryption: KeyVaultNeed,
    options: OperationOptions = {},
  ): Promise<KeyVaultAccess> {
    const listed = typeof keyVault === 'string' ? undefined : listedBodies.get(keyVault as KeyVaultSummary);
    return azureCall(
      'getKeyVaultAccess',
      async () => (await this.readAccess(keyVault, encryption, options, listed)).access,
    );
  }

  /**
   * Gives Backup Management Service what `getAccess` found missing, and nothing more; "already granted" returns
   * `{ changed: false }`. Access-policy vaults: one `accessPolicies/add` (needs
   * `Microsoft.KeyVault/vaults/accessPolicies/write`, Key Vault Contributor). RBAC vaults: one role assignment with
   * the configured role at the vault scope (needs `Microsoft.Authorization/roleAssignments/write`; a 409
   * RoleAssignmentExists counts as granted). The current access is read first (the vault; a confirmed plan may be
   * out of date) and read back afterwards: the vault again for an access policy, only the role list for a role.
   */
  async grantBackupAccess(
    keyVault: KeyVaultRef,
    encryption: KeyVaultNeed,
    options: OperationOptions = {},
  ): Promise<KeyVaultGrantResult> {
    return azureCall('grantKeyVaultAccess', async () => {
      const { access, vault } = await this.readAccess(keyVault, encryption, options);
      if (!access.exists || !vault) throw new NotFoundError('Key vault', access.keyVault.name);
      const change = access.change;
      if (access.granted || !change) return { changed: false, access };
      let changed = true;
      const clients = await this.clients.of(access.keyVault.id, options);
      if (change.kind === 'accessPolicy') {
        const permissions = { ...(change.keys.length ? { keys: change.keys } : {}), secrets: change.secrets };
        await clients.keyVault.vaults.updateAccessPolicy(
          access.keyVault.resourceGroup,
          access.keyVault.name,
          'add',
          {
            properties: {
              accessPolicies: [
                { tenantId: vault.properties.tenantId, objectId: change.principalObjectId, permissions },
              ],
            },
          },
          { abortSignal: options.abortSignal },
        );
      } else {
        try {
          await clients.authorization.roleAssignments.create(
            armScope(change.scope),
            randomUUID(),
            {
              roleDefinitionId: change.roleDefinitionId,
              principalId: change.principalObjectId,
              principalType: 'ServicePrincipal',
            },
            { abortSignal: options.abortSignal },
          );
        } catch (err) {
          const e = err as { code?: string; statusCode?: number };
          if (e.code !== 'RoleAssignmentExists' && e.statusCode !== 409) throw err;
          changed = false;
        }
      }
      // A role assignment does not change the vault: re-reading its role list verifies it.
      const after = (
        await this.readAccess(keyVault, encryption, options, change.kind === 'roleAssignment' ? vault : undefined)
      ).access;
      if (!after.granted) {
        throw new AzureRequestError(
          `The grant on key vault '${after.keyVault.name}' did not take effect: still missing ${after.missing.join(', ')}.`,
          {
            code: 'GrantNotEffective',
            operation: 'grantKeyVaultAccess',
          },
        );
      }
      return { changed, access: after };
    });
  }

  /**
   * State of the key (KEK) a VM's encryption names: 'active', 'soft-deleted' (recoverable) or 'missing' (purged).
   * Data plane: needs keys get (and list for deleted keys), or the matching Key Vault data actions.
   */
  async getKeyState(vaultUri: string, keyUrl: string, options: OperationOptions = {}): Promise<KeyVaultObjectState> {
    const { name, version } = keyVaultObjectName(keyUrl, 'keys');
    return azureCall('getKeyState', async () => {
      await this.ensureApproved(options);
      const client = this.clients.keys(vaultUri);
      if (await exists(() => client.getKey(name, { version, abortSignal: options.abortSignal }))) return 'active';
      return (await exists(() => client.getDeletedKey(name, { abortSignal: options.abortSignal })))
        ? 'soft-deleted'
        : 'missing';
    });
  }

  /**
   * State of the secret (BEK) a VM's encryption names, from metadata only: the secret's value is never read.
   * Data plane: needs secrets list (`Microsoft.KeyVault/vaults/secrets/readMetadata/action`).
   */
  async getSecretState(
    vaultUri: string,
    secretUrl: string,
    options: OperationOptions = {},
  ): Promise<KeyVaultObjectState> {
    const { name, version } = keyVaultObjectName(secretUrl, 'secrets');
    const abortSignal = options.abortSignal;
    return azureCall('getSecretState', async () => {
      await this.ensureApproved(options);
      const client = this.clients.secrets(vaultUri);
      let versions: { version?: string }[] = [];
      try {
        versions = await collectPages(client.listPropertiesOfSecretVersions(name, { abortSignal }), abortSignal);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (versions.some((v) => !version || sameId(v.version, version))) return 'active';
      const deleted = await findInPages(
        client.listDeletedSecrets({ abortSignal }),
        (s) => sameId(s.name, name),
        abortSignal,
      );
      return deleted ? 'soft-deleted' : 'missing';
    });
  }

  /** The access read from the vault (`known`: a body already read, else one GET) and, on RBAC vaults, its roles. */
  private async readAccess(
    ref: KeyVaultRef,
    encryption: KeyVaultNeed,
    options: OperationOptions,
    known?: Vault,
  ): Promise<{ access: KeyVaultAccess; vault?: Vault }> {
    const keyVault = await this.placed(ref, options);
    const clients = await this.clients.of(keyVault.id, options);
    let vault: Vault;
    try {
      vault =
        known ??
        (await clients.keyVault.vaults.get(keyVault.resourceGroup, keyVault.name, {
          abortSignal: options.abortSignal,
        }));
    } catch (err) {
      if (isNotFound(err)) return { access: { keyVault, exists: false, granted: false, missing: ['keyVault'] } };
      throw err;
    }
    const rbac = vault.properties.enableRbacAuthorization === true;
    const base = {
      keyVault: { ...keyVault, id: vault.id ?? keyVault.id },
      exists: true,
      vaultUri: vault.properties.vaultUri,
    };
    if (encryption === 'none')
      return { vault, access: { ...base, model: rbac ? 'rbac' : 'accessPolicy', granted: true, missing: [] } };
    const bms = await this.directory.backupManagementServiceObjectId(options);
    if (rbac) {
      // The role definition id is the key vault's subscription's (roles are assigned by a subscription-scoped id).
      const settings = clients.settings;
      const assignments = await collectPages(
        clients.authorization.roleAssignments.listForScope(armScope(base.keyVault.id), {
          filter: `principalId eq '${bms}'`,
          abortSignal: options.abortSignal,
        }),
        options.abortSignal,
      );
      const granted = hasBackupRole(assignments, base.keyVault.id, settings.rbacKeyVaultRoleDefinitionId);
      const roleId = roleDefinitionIdFor(settings.subscriptionId, settings.rbacKeyVaultRoleDefinitionId);
      return {
        vault,
        access: {
          ...base,
          model: 'rbac',
          granted,
          missing: granted ? [] : ['role'],
          change: granted ? undefined : roleChange(bms, roleId, base.keyVault.id),
        },
      };
    }
    const lacking = missingPolicyPermissions(vault.properties.accessPolicies, bms, encryption);
    const missing = [...lacking.keys.map((p) => `keys:${p}`), ...lacking.secrets.map((p) => `secrets:${p}`)];
    return {
      vault,
      access: {
        ...base,
        model: 'accessPolicy',
        granted: missing.length === 0,
        missing,
        change: missing.length
          ? { kind: 'accessPolicy', principalObjectId: bms, keys: lacking.keys, secrets: lacking.secrets }
          : undefined,
      },
    };
  }

  /**
   * A key vault ref with its ARM id. A name and resource group without an id, with several managed subscriptions:
   * one Resource Graph query says which subscription holds it (issue 17); the same name in two is AmbiguousNameError.
   */
  private async placed(ref: KeyVaultRef, options: OperationOptions): Promise<ResourceRef> {
    if (typeof ref === 'string' || ('id' in ref && ref.id) || this.clients.subscriptions.single)
      return keyVaultRef(this.clients.settings.subscriptionId, ref);
    const hits = (await new ResourceLookup(this.clients).byName(['keyVault'], [ref.name], options)).filter((h) =>
      sameId(h.resourceGroup, ref.resourceGroup),
    );
    if (hits.length > 1) throw new AmbiguousNameError('Key vault', ref.name, hits);
    if (!hits.length) return keyVaultRef((await this.clients.all(options))[0]?.settings.subscriptionId ?? '', ref);
    return { id: hits[0].id, name: hits[0].name, resourceGroup: hits[0].resourceGroup };
  }

  /**
   * Key Vault clients send their first request without a token (to learn the challenge); asking for the token first
   * keeps an unapproved identity from sending even that.
   */
  private async ensureApproved(options: OperationOptions): Promise<void> {
    await this.clients.credential.getToken(VAULT_SCOPE, { abortSignal: options.abortSignal });
  }
}

/** A key vault reference as name, resource group and ARM id (an id the reference carries is kept). */
export function keyVaultRef(subscriptionId: string, ref: KeyVaultRef | ResourceRef): ResourceRef {
  if (typeof ref !== 'string') {
    return {
      name: ref.name,
      resourceGroup: ref.resourceGroup,
      id:
        ('id' in ref && ref.id) ||
        `/subscriptions/${subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.KeyVault/vaults/${ref.name}`,
    };
  }
  const parsed = parseResourceId(ref);
  if (!parsed)
    throw new InvalidInputError(
      'keyVault',
      `'${ref}' is not a key vault id; give its ARM id or its name and resource group.`,
    );
  return { id: parsed.id, name: parsed.name, resourceGroup: parsed.resourceGroup };
}

/** arm-authorization's URL template is `/{scope}/providers/…`: a scope given with its leading slash would double it. */
const armScope = (scope: string): string => scope.replace(/^\/+/, '');

/** True when the call succeeds, false on 404; anything else is thrown. */
async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
