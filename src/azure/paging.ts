/** The slice of the SDKs' PagedAsyncIterableIterator we use: one request per page, nextLink followed. */
interface Paged<T> {
  byPage(settings?: { continuationToken?: string; maxPageSize?: number }): AsyncIterableIterator<T[]>;
}

/** Every item of every page. */
export async function collectPages<T>(paged: Paged<T>, abortSignal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for await (const page of paged.byPage()) {
    abortSignal?.throwIfAborted();
    out.push(...page);
  }
  return out;
}

/** The first item that matches, reading no further page than needed. */
export async function findInPages<T>(
  paged: Paged<T>,
  match: (item: T) => boolean,
  abortSignal?: AbortSignal,
): Promise<T | undefined> {
  for await (const page of paged.byPage()) {
    abortSignal?.throwIfAborted();
    const hit = page.find(match);
    if (hit) return hit;
  }
  return undefined;
}
