/**
 * Turn cost (issue 17, bench/profile.md): @azure/core-client resolves a polymorphic response body (a protected item,
 * a protectable item, an operation status, a job) by searching its discriminator index breadth-first from the declared
 * type whenever the value belongs to a grandchild type (`AzureIaaSVMProtectedItem.Microsoft.Compute/virtualMachines`
 * for a `ProtectedItem`), copying the whole index (hundreds of entries in Azure Backup's models) at every step, for
 * every such object of every response. The profile of the bench's bot put that search first among the bot's own
 * frames. This adds, once, the entries that search would find (`ProtectedItem.Microsoft.Compute/virtualMachines` → the
 * same mapper), in the order it would find them, so the first look-up hits. Nothing else changes: a value the search
 * would not find is still not found.
 */
interface DiscriminatorMapper {
  type?: { uberParent?: string; className?: string };
}

type Index = Record<string, DiscriminatorMapper>;

const flattened = new WeakSet<object>();

/** Adds `Type.value` for every value the breadth-first search from `Type` would reach through its children. */
export function flattenDiscriminators(index: Index): void {
  if (flattened.has(index)) return;
  flattened.add(index);
  const byPrefix = new Map<string, [value: string, mapper: DiscriminatorMapper][]>();
  for (const [key, mapper] of Object.entries(index)) {
    const dot = key.indexOf('.');
    if (dot <= 0) continue;
    const prefix = key.slice(0, dot);
    const list = byPrefix.get(prefix) ?? [];
    list.push([key.slice(dot + 1), mapper]);
    byPrefix.set(prefix, list);
  }
  // The search steps from a type to the class names of the entries under its prefix whose uberParent is that type.
  const children = (type: string): string[] =>
    (byPrefix.get(type) ?? [])
      .filter(([, m]) => m.type?.uberParent === type && m.type.className)
      .map(([, m]) => m.type!.className!);
  const additions: [string, DiscriminatorMapper][] = [];
  for (const root of byPrefix.keys()) {
    const found = new Set((byPrefix.get(root) ?? []).map(([v]) => v));
    const queue = children(root);
    const seen = new Set<string>([root]);
    while (queue.length) {
      const type = queue.shift()!;
      if (seen.has(type)) continue;
      seen.add(type);
      for (const [value, mapper] of byPrefix.get(type) ?? []) {
        if (found.has(value)) continue;
        found.add(value);
        additions.push([`${root}.${value}`, mapper]);
      }
      queue.push(...children(type));
    }
  }
  for (const [key, mapper] of additions) if (!Object.prototype.hasOwnProperty.call(index, key)) index[key] = mapper;
}

/** The discriminator index of the serializer an operation spec carries (HLC clients), if it has one. */
export function discriminatorIndexOf(spec: unknown): Index | undefined {
  const index = (spec as { serializer?: { modelMappers?: { discriminators?: unknown } } })?.serializer?.modelMappers
    ?.discriminators;
  return index && typeof index === 'object' ? (index as Index) : undefined;
}
