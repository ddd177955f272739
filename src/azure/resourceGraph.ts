import type { QueryResponse } from '@azure/arm-resourcegraph';
import { azureCall } from './call';
import type { AzureClients } from './clients';
import { parseResourceId, sameId } from './names';
import type { OperationOptions } from './types';

/** The resource types found by name. Resource Graph writes types in lower case. */
export const RESOURCE_TYPES = {
  vm: 'microsoft.compute/virtualmachines',
  classicVm: 'microsoft.classiccompute/virtualmachines',
  keyVault: 'microsoft.keyvault/vaults',
  vault: 'microsoft.recoveryservices/vaults',
} as const;
export type ResourceKind = keyof typeof RESOURCE_TYPES;

/** The same types as ARM's generic list filter writes them. */
const ARM_TYPES: Record<ResourceKind, string> = {
  vm: 'Microsoft.Compute/virtualMachines',
  classicVm: 'Microsoft.ClassicCompute/virtualMachines',
  keyVault: 'Microsoft.KeyVault/vaults',
  vault: 'Microsoft.RecoveryServices/vaults',
};

/** A resource as a name look-up finds it: enough to address it (and, for a key vault, its access model). */
export interface FoundResource {
  kind: ResourceKind;
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  /** The subscription's display name, when the bot manages more than one (issue 17). */
  subscriptionName?: string;
  location: string;
  /** Key vaults: true when the vault authorises its data plane with Azure RBAC (absent when unknown). */
  rbac?: boolean;
}

/** Generic resources api-version for the fallback (GET /subscriptions/{id}/resources?$filter=...). */
const RESOURCES_API_VERSION = '2021-04-01';
/** After Resource Graph refuses, the fallback is used for this long before Resource Graph is tried again. */
const REFUSED_FOR_MS = 10 * 60_000;
/** Azure resource names: letters, digits and . _ - ( ) (the strictest set any of our types allows is a subset). */
const NAME = /^[A-Za-z0-9._()-]{1,80}$/;
/** Statuses that mean "Resource Graph is not for us here" (no permission, not in this cloud, throttled after retries). */
const REFUSAL = new Set([401, 403, 404, 409, 429, 501, 503]);

/**
 * Finding resources by name in one request, whatever the size of the estate: an Azure Resource Graph query with a
 * name-and-type filter (https://learn.microsoft.com/azure/governance/resource-graph/overview), or, where Resource Graph
 * is refused, ARM's filtered generic-resources list (`$filter=name eq '…'`, one request per name:
 * https://learn.microsoft.com/rest/api/resources/resources/list). Either way Azure filters, not the bot: the cost
 * does not grow with the number of VMs. Needs read on the resources (Resource Graph and the list both show only
 * what the identity may read).
 */
/** One page of a picker: what was typed, the region, ids left out, the page, and optionally one subscription. */
export interface PageQuery {
  contains?: string;
  location?: string;
  excludeIds?: string[];
  top: number;
  skip: number;
  /** Only this managed subscription (a vault's: Backup protects VMs of its own subscription); default all. */
  subscriptionId?: string;
}

export class ResourceLookup {
  private refusedUntil = 0;

  constructor(
    private readonly clients: AzureClients,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every resource of these kinds called one of `names` (case-insensitive): one query. */
  async byName(kinds: ResourceKind[], names: string[], options: OperationOptions = {}): Promise<FoundResource[]> {
    return (await this.byNameUnlabelled(kinds, names, options)).map((r) => this.clients.subscriptions.label(r));
  }

  private async byNameUnlabelled(
    kinds: ResourceKind[],
    names: string[],
    options: OperationOptions = {},
  ): Promise<FoundResource[]> {
    // A string that cannot be a resource name names nothing: it is not sent (nor spliced into a query).
    const wanted = [...new Set(names.map((n) => n.trim()).filter((n) => NAME.test(n)))];
    if (!wanted.length || !kinds.length) return [];
    return azureCall('findByName', async () => {
      if (this.now() >= this.refusedUntil) {
        try {
          return await this.query(kinds, wanted, options);
        } catch (err) {
          if (!REFUSAL.has((err as { statusCode?: number }).statusCode ?? 0)) throw err;
          this.refusedUntil = this.now() + REFUSED_FOR_MS;
        }
      }
      return this.filteredList(kinds, wanted, options);
    });
  }

  /**
   * One page of the resources of a kind, ordered by name, filtered by what the person typed (`name contains`,
   * ignoring case) and optionally by region: one Resource Graph query with `$top` / `$skip`, so a picker never reads
   * the whole estate. Where Resource Graph is refused: ARM's list filtered by type (and region), every page (the
   * typed text is matched here; ARM's `substringof` is not on every resource list).
   */
  async page(
    kind: ResourceKind,
    query: PageQuery,
    options: OperationOptions = {},
  ): Promise<{ items: FoundResource[]; total: number }> {
    const { items, total } = await this.pageUnlabelled(kind, query, options);
    return { items: items.map((r) => this.clients.subscriptions.label(r)), total };
  }

  private async pageUnlabelled(
    kind: ResourceKind,
    query: PageQuery,
    options: OperationOptions,
  ): Promise<{ items: FoundResource[]; total: number }> {
    const subscriptions = query.subscriptionId
      ? [(await this.clients.of(query.subscriptionId, options)).settings.subscriptionId]
      : await this.clients.subscriptions.readableIds(options);
    const excluded = (query.excludeIds ?? []).filter((id) => /^\/subscriptions\/[A-Za-z0-9/._()-]+$/.test(id));
    // What the person typed, kept to the characters a resource name can have (nothing else can match).
    const contains = (query.contains ?? '').replace(/[^A-Za-z0-9._()-]/g, '').slice(0, 80);
    const location = query.location && /^[A-Za-z0-9 ]{1,40}$/.test(query.location) ? query.location : undefined;
    const top = Math.min(Math.max(1, Math.floor(query.top)), 1000);
    const skip = Math.max(0, Math.floor(query.skip));
    return azureCall('pageResources', async () => {
      if (this.now() >= this.refusedUntil) {
        try {
          const where = [`type =~ ${kql(RESOURCE_TYPES[kind])}`];
          if (contains) where.push(`name contains ${kql(contains)}`);
          if (location) where.push(`location =~ ${kql(location.replace(/\s+/g, '').toLowerCase())}`);
          if (excluded.length) where.push(`id !in~ (${excluded.map(kql).join(', ')})`);
          const res: QueryResponse = await this.clients.resourceGraph.resources(
            {
              subscriptions,
              query: `Resources | where ${where.join(' and ')} | project id, name, type, location, resourceGroup, subscriptionId | order by name asc`,
              options: { resultFormat: 'objectArray', top, skip },
            },
            { abortSignal: options.abortSignal },
          );
          const items = ((res.data ?? []) as Record<string, unknown>[]).flatMap((r) => toFound(r) ?? []);
          return { items, total: res.totalRecords ?? items.length };
        } catch (err) {
          if (!REFUSAL.has((err as { statusCode?: number }).statusCode ?? 0)) throw err;
          this.refusedUntil = this.now() + REFUSED_FOR_MS;
        }
      }
      const skipIds = new Set(excluded.map((id) => id.toLowerCase()));
      const all = (await this.listOfType(kind, location, subscriptions, options))
        .filter((r) => !contains || r.name.toLowerCase().includes(contains.toLowerCase()))
        .filter((r) => !skipIds.has(r.id.toLowerCase()))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      return { items: all.slice(skip, skip + top), total: all.length };
    });
  }

  /** ARM's generic list of one type (and region), every page, in every managed subscription: the fallback of `page`. */
  private async listOfType(
    kind: ResourceKind,
    location: string | undefined,
    subs: string[],
    options: OperationOptions,
  ) {
    return (await Promise.all(subs.map((sub) => this.listOfTypeIn(sub, kind, location, options)))).flat();
  }

  private async listOfTypeIn(sub: string, kind: ResourceKind, location: string | undefined, options: OperationOptions) {
    const armType = ARM_TYPES[kind];
    const clauses = [`resourceType eq '${armType}'`];
    if (location) clauses.push(`location eq '${location.replace(/\s+/g, '').toLowerCase()}'`);
    const rows: FoundResource[] = [];
    let next: string | undefined =
      `/subscriptions/${sub}/resources?$filter=${encodeURIComponent(clauses.join(' and '))}&api-version=${RESOURCES_API_VERSION}`;
    while (next) {
      const page: GenericList = await this.clients.armRequest<GenericList>('GET', next, undefined, options);
      for (const r of page?.value ?? []) {
        const found = toFound({ ...r, subscriptionId: sub });
        if (found?.kind === kind) rows.push(found);
      }
      next = page?.nextLink;
    }
    return rows;
  }

  /** `Resources | where type in~ (…) and name in~ (…) | project …` across every managed subscription: one query. */
  private async query(kinds: ResourceKind[], names: string[], options: OperationOptions): Promise<FoundResource[]> {
    const types = kinds.map((k) => RESOURCE_TYPES[k]);
    const typeClause = types.length === 1 ? `type =~ ${kql(types[0])}` : `type in~ (${types.map(kql).join(', ')})`;
    const nameClause = names.length === 1 ? `name =~ ${kql(names[0])}` : `name in~ (${names.map(kql).join(', ')})`;
    const columns = ['id', 'name', 'type', 'location', 'resourceGroup', 'subscriptionId'];
    if (kinds.includes('keyVault')) columns.push('rbac = tobool(properties.enableRbacAuthorization)');
    const query = `Resources | where ${typeClause} and ${nameClause} | project ${columns.join(', ')}`;
    const found: FoundResource[] = [];
    const subscriptions = await this.clients.subscriptions.readableIds(options);
    let skipToken: string | undefined;
    do {
      // Names match a handful of rows; a second page would take more than 1000 resources of one name.
      const page: QueryResponse = await this.clients.resourceGraph.resources(
        {
          subscriptions,
          query,
          options: { resultFormat: 'objectArray', top: 1000, ...(skipToken ? { skipToken } : {}) },
        },
        { abortSignal: options.abortSignal },
      );
      for (const row of (page.data ?? []) as Record<string, unknown>[]) {
        const r = toFound(row);
        if (r) found.push(r);
      }
      skipToken = page.skipToken;
    } while (skipToken);
    return found;
  }

  /** ARM's generic list filtered by name (one request per name, pages followed), kept to the kinds asked for. */
  private async filteredList(
    kinds: ResourceKind[],
    names: string[],
    options: OperationOptions,
  ): Promise<FoundResource[]> {
    const types = new Set<string>(kinds.map((k) => RESOURCE_TYPES[k]));
    // One filtered list per name and managed subscription (ARM lists are per subscription).
    const subs = await this.clients.subscriptions.readableIds(options);
    const pairs = subs.flatMap((sub) => names.map((name) => ({ sub, name })));
    const lists = await Promise.all(
      pairs.map(async ({ sub, name }) => {
        const rows: FoundResource[] = [];
        const filter = encodeURIComponent(`name eq '${name}'`);
        let next: string | undefined =
          `/subscriptions/${sub}/resources?$filter=${filter}&api-version=${RESOURCES_API_VERSION}`;
        while (next) {
          const page: GenericList = await this.clients.armRequest<GenericList>('GET', next, undefined, options);
          for (const r of page?.value ?? []) {
            if (!r.type || !types.has(r.type.toLowerCase())) continue;
            const found = toFound({ ...r, subscriptionId: sub });
            if (found) rows.push(found);
          }
          next = page?.nextLink;
        }
        return rows;
      }),
    );
    return lists.flat();
  }
}

/** A KQL string literal: single quotes, with \ and ' escaped (names are checked against NAME first anyway). */
const kql = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function toFound(row: Record<string, unknown>): FoundResource | undefined {
  const id = typeof row.id === 'string' ? row.id : undefined;
  const ref = parseResourceId(id);
  const type = String(row.type ?? ref?.type ?? '').toLowerCase();
  const kind = (Object.keys(RESOURCE_TYPES) as ResourceKind[]).find((k) => sameId(RESOURCE_TYPES[k], type));
  if (!ref || !kind) return undefined;
  return {
    kind,
    id: ref.id,
    name: typeof row.name === 'string' ? row.name : ref.name,
    resourceGroup: ref.resourceGroup,
    subscriptionId: ref.subscriptionId,
    location: typeof row.location === 'string' ? row.location : '',
    ...(typeof row.rbac === 'boolean' ? { rbac: row.rbac } : {}),
  };
}

interface GenericList {
  value?: { id: string; name: string; type?: string; location?: string }[];
  nextLink?: string;
}
