import type { RehearsalNetworkSetting } from './azure/rehearsal';
import { ConfigError } from './configFields';

/** The sandbox world's isolated rehearsal networks (docs/sandbox.md): the primary subscription's and Contoso Finance's. */
export const SANDBOX_REHEARSAL_SUBNET = [
  '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-rehearsal/providers/Microsoft.Network/virtualNetworks/vnet-rehearsal-eastasia/subnets/snet-rehearsal',
  '/subscriptions/22222222-2222-4222-8222-222222222223/resourceGroups/rg-fin-rehearsal/providers/Microsoft.Network/virtualNetworks/vnet-rehearsal-fin-eastasia/subnets/snet-rehearsal',
].join(',');

const NAME = /^[A-Za-z0-9._()-]+$/;
const FULL_SUBNET_ID =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i;

/**
 * REHEARSAL_SUBNET: comma-separated entries, each a full subnet resource id or `<rg>/<vnet>/<subnet>` (the primary
 * subscription); at most one per subscription (a rehearsal must know which to use).
 */
export function rehearsalNetworks(value: string | undefined, prefix: string | undefined): RehearsalNetworkSetting[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const networks = entries.map((e) => rehearsalNetwork(e, prefix)!);
  const key = (n: { subscriptionId?: string }) => (n.subscriptionId ?? '(primary)').toLowerCase();
  const seen = new Set<string>();
  for (const n of networks) {
    if (seen.has(key(n)))
      throw new ConfigError(
        'REHEARSAL_SUBNET',
        `names two subnets in subscription ${n.subscriptionId ?? '(the primary one)'}: give one per subscription`,
      );
    seen.add(key(n));
  }
  return networks;
}

function rehearsalNetwork(value: string | undefined, prefix: string | undefined): RehearsalNetworkSetting | undefined {
  if (prefix && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(prefix)) {
    throw new ConfigError(
      'REHEARSAL_NETWORK_PREFIX',
      `must be an IPv4 address range like 10.250.0.0/24 (got '${prefix}')`,
    );
  }
  if (!value) return undefined;
  const full = FULL_SUBNET_ID.exec(value);
  if (full && full.slice(2).every((p) => NAME.test(p))) {
    const [, subscriptionId, resourceGroup, vnet, subnet] = full;
    return { subscriptionId, resourceGroup, vnet, subnet, ...(prefix ? { addressPrefix: prefix } : {}) };
  }
  const parts = value.split('/').map((p) => p.trim());
  if (value.startsWith('/') || parts.length !== 3 || parts.some((p) => !NAME.test(p))) {
    throw new ConfigError(
      'REHEARSAL_SUBNET',
      `each entry must be a subnet resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>) or <resource group>/<virtual network>/<subnet> (got '${value}')`,
    );
  }
  return { resourceGroup: parts[0], vnet: parts[1], subnet: parts[2], ...(prefix ? { addressPrefix: prefix } : {}) };
}
