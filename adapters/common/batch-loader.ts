// A per-request batch loader: every `load(key)` made while GraphQL resolves one level of a query
// (the entities of a 50-client caseload, or two fields that need the same record) ends up in one
// call to the source. Results are kept for the rest of the request, never longer: the partner is
// the source of truth and is asked again on the next request.
export interface BatchLoader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export function createBatchLoader<K, V>(fetchMany: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V> {
  const results = new Map<K, Promise<V | undefined>>();
  let pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  function dispatch() {
    const batch = pending;
    pending = [];
    fetchMany(batch.map((p) => p.key)).then(
      (found) => batch.forEach((p) => p.resolve(found.get(p.key))),
      (err) => batch.forEach((p) => p.reject(err)),
    );
  }

  return {
    load(key) {
      const known = results.get(key);
      if (known) return known;
      const promise = new Promise<V | undefined>((resolve, reject) => {
        // Wait until the resolvers running now have all asked (same technique as DataLoader: after
        // the current promise jobs, on the next tick).
        if (pending.length === 0) Promise.resolve().then(() => process.nextTick(dispatch));
        pending.push({ key, resolve, reject });
      });
      results.set(key, promise);
      return promise;
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
