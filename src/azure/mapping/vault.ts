import type { Vault } from '@azure/arm-recoveryservices';
import { parseResourceId } from '../names';
import type { VaultSummary } from '../types';

/** A Recovery Services vault as the bot sees it. */
export function toVaultSummary(v: Vault): VaultSummary {
  const id = v.id ?? '';
  return {
    id,
    name: v.name ?? parseResourceId(id)?.name ?? '',
    resourceGroup: parseResourceId(id)?.resourceGroup ?? '',
    location: v.location,
  };
}
