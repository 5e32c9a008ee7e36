// POST /graphql as a user would, with their bearer token (and a consent token for RIBs).
export interface GraphqlAnswer<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions: { code: string; partner?: string; [k: string]: unknown } }[];
  ms: number;
}

export async function graphql<T = Record<string, any>>(
  baseUrl: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphqlAnswer<T>> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GraphqlAnswer['errors'] };
  return { status: res.status, data: body.data, errors: body.errors ?? [], ms: performance.now() - started };
}
