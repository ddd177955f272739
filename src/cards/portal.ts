import { t, type Locale } from '../i18n';

/**
 * Links from a card to the Azure portal: `https://portal.azure.com/#@<tenant>/resource<ARM id>` opens a resource in
 * the directory (tenant) that holds it, whichever directory the user last used. One bot manages one tenant's
 * subscriptions, so the tenant (and, when it manages one subscription, that subscription, for ids built from a
 * resource group and a name) is set once by the composition root (src/index.ts) — like the message tables of
 * src/i18n, process-wide, not per turn. Every link names the resource's own subscription (its ARM id).
 */
export interface PortalScope {
  tenantId?: string;
  subscriptionId?: string;
}

let scope: PortalScope = {};

/** Called once by the composition root. Without it links have no `@<tenant>` (the portal then uses the home tenant). */
export function setPortalScope(next: PortalScope): void {
  scope = { ...next };
}

export const PORTAL_ORIGIN = 'https://portal.azure.com';

/** What a link points at: each kind has its own button title. */
export type PortalKind = 'vm' | 'vault' | 'backupJobs' | 'keyVault' | 'restoredVm' | 'storage';

export interface PortalRef {
  kind: PortalKind;
  /** The resource's ARM id (for `backupJobs`, the Recovery Services vault's). Absent: no link. */
  id?: string;
  /** Shown in the button title so two links of one kind can be told apart. */
  name?: string;
}

/** An `Action.OpenUrl` of a card's `links` ActionSet. */
export interface PortalLink {
  title: string;
  url: string;
}

const hash = () => (scope.tenantId ? `#@${scope.tenantId}` : '#');

/** The portal page of any ARM resource. */
export function portalUrl(id: string): string {
  return `${PORTAL_ORIGIN}/${hash()}/resource${id.startsWith('/') ? id : `/${id}`}`;
}

/**
 * The Backup jobs list of a Recovery Services vault. No Microsoft document gives this deep link: it is the path the
 * portal itself shows when the vault's "Backup jobs" menu item is opened (the menu item's name appended to the
 * vault's resource URL), and it falls back to the vault's overview if the portal renames that menu item.
 */
export function backupJobsUrl(vaultId: string): string {
  return `${portalUrl(vaultId)}/backupJobs`;
}

const TITLES = {
  vm: 'portal.vm',
  vault: 'portal.vault',
  backupJobs: 'portal.backupJobs',
  keyVault: 'portal.keyVault',
  restoredVm: 'portal.restoredVm',
  storage: 'portal.storage',
} as const;

/** Teams shows a handful of buttons in one ActionSet before it folds the rest into "…"; cards keep to this many. */
export const MAX_LINKS = 5;

/** The card's `links`: one per resource with a known id, in the order given, without duplicates. */
export function portalLinks(locale: Locale, refs: (PortalRef | undefined)[]): PortalLink[] {
  const seen = new Set<string>();
  const links: PortalLink[] = [];
  for (const ref of refs) {
    if (!ref?.id) continue;
    const url = ref.kind === 'backupJobs' ? backupJobsUrl(ref.id) : portalUrl(ref.id);
    if (seen.has(url.toLowerCase())) continue;
    seen.add(url.toLowerCase());
    links.push({ title: t(locale, TITLES[ref.kind], { name: ref.name ?? '' }), url });
  }
  return links.slice(0, MAX_LINKS);
}

/**
 * ARM ids built from a resource group and a name (records that kept only names), in the resource's own subscription
 * when the record knows it (issue 17), else in the one managed subscription. With several managed subscriptions and
 * none named, no id: no link rather than a link into the wrong subscription.
 */
export const armId = {
  vm: (rg: string | undefined, name: string | undefined, subscriptionId?: string) =>
    rg && name
      ? inSubscription(`/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`, subscriptionId)
      : undefined,
  vault: (rg: string | undefined, name: string | undefined, subscriptionId?: string) =>
    rg && name
      ? inSubscription(`/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${name}`, subscriptionId)
      : undefined,
  keyVault: (rg: string | undefined, name: string | undefined, subscriptionId?: string) =>
    rg && name
      ? inSubscription(`/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`, subscriptionId)
      : undefined,
};

function inSubscription(path: string, subscriptionId?: string): string | undefined {
  const sub = subscriptionId ?? scope.subscriptionId;
  return sub ? `/subscriptions/${sub}${path}` : undefined;
}

/** The subscription id in an ARM id (/subscriptions/{id}/...). */
export function subscriptionOfId(id: string | undefined): string | undefined {
  return id ? /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] : undefined;
}

/** The resource group segment of an ARM id. */
export function resourceGroupOf(id: string | undefined): string | undefined {
  return id ? /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] : undefined;
}
