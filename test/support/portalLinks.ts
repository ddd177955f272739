import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What the Azure portal links of an expanded card must cover, from the sandbox world (src/sandbox/world/seed.json). */
interface SeedWorld {
  subscriptionId: string;
  recoveryVaults: { name: string; resourceGroup: string }[];
  keyVaults: { name: string; resourceGroup: string }[];
  storageAccounts: { name: string; resourceGroup: string }[];
  vms: { name: string; resourceGroup?: string; classic?: boolean }[];
}

export interface WorldResource {
  name: string;
  id: string;
  kind: 'vm' | 'vault' | 'keyVault' | 'storage';
}

/** Every named resource of the sandbox world with its ARM id (VMs live in rg-app unless the seed says otherwise). */
export function worldResources(): WorldResource[] {
  const seed = JSON.parse(
    readFileSync(path.resolve(__dirname, '../../src/sandbox/world/seed.json'), 'utf8'),
  ) as SeedWorld;
  const sub = `/subscriptions/${seed.subscriptionId}/resourceGroups`;
  return [
    ...seed.recoveryVaults.map((v) => ({
      name: v.name,
      kind: 'vault' as const,
      id: `${sub}/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`,
    })),
    ...seed.keyVaults.map((k) => ({
      name: k.name,
      kind: 'keyVault' as const,
      id: `${sub}/${k.resourceGroup}/providers/Microsoft.KeyVault/vaults/${k.name}`,
    })),
    ...seed.storageAccounts.map((s) => ({
      name: s.name,
      kind: 'storage' as const,
      id: `${sub}/${s.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${s.name}`,
    })),
    ...seed.vms
      .filter((v) => !v.name.startsWith('vm-classic'))
      .map((v) => ({
        name: v.name,
        kind: 'vm' as const,
        id: `${sub}/${v.resourceGroup ?? 'rg-app'}/providers/Microsoft.Compute/virtualMachines/${v.name}`,
      })),
  ];
}

/** The text a person reads on a card: TextBlocks, RichTextBlock runs, FactSet facts (not inputs or button data). */
export function visibleText(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(visibleText);
  if (!node || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  if (typeof obj.type === 'string' && (obj.type.startsWith('Input.') || obj.type.startsWith('Action.'))) return [];
  const own: string[] = [];
  if ((obj.type === 'TextBlock' || obj.type === 'TextRun') && typeof obj.text === 'string') own.push(obj.text);
  if (obj.type === 'FactSet' && Array.isArray(obj.facts)) {
    for (const f of obj.facts as { title?: string; value?: string }[]) own.push(`${f.title ?? ''}: ${f.value ?? ''}`);
  }
  const children = ['body', 'items', 'columns', 'inlines'].flatMap((key) => visibleText(obj[key]));
  return [...own, ...children];
}

/** Every Action.OpenUrl anywhere in a card. */
export function openUrls(node: unknown): { title: string; url: string }[] {
  if (Array.isArray(node)) return node.flatMap(openUrls);
  if (!node || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  const own = obj.type === 'Action.OpenUrl' ? [{ title: String(obj.title), url: String(obj.url) }] : [];
  return [...own, ...Object.values(obj).flatMap(openUrls)];
}

/** Names of world resources that appear in the texts as whole names (vm-db-01 is not found in vm-db-01-restored). */
export function namedResources(texts: string[], world: WorldResource[]): WorldResource[] {
  const joined = texts.join('\n');
  return world.filter((r) => new RegExp(`(^|[^\\w-])${r.name.replace(/-/g, '\\-')}(?![\\w-])`, 'i').test(joined));
}

/** Restored VMs the bot names (`<vm>-restored…`): not in the seed, created by a restore. */
export function restoredVmNames(texts: string[]): string[] {
  return [...new Set(texts.join('\n').match(/\bvm-[\w-]+-restored[\w-]*/gi) ?? [])];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Whether a FactSet on the card shows a backup job id (a fact titled Job / 作業 whose value is a GUID). */
export function showsJobId(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(showsJobId);
  if (!node || typeof node !== 'object') return false;
  const obj = node as Record<string, unknown>;
  if (obj.type === 'FactSet' && Array.isArray(obj.facts)) {
    const facts = obj.facts as { title?: string; value?: string }[];
    if (facts.some((f) => /job|作業/i.test(f.title ?? '') && GUID.test(f.value ?? ''))) return true;
  }
  return Object.values(obj).some(showsJobId);
}
