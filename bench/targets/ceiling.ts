// The direct ceiling of the comparison run: a plain fastify route that asks the three partner
// adapters in parallel and merges their JSON. No GraphQL on our side, no checks, no logs: what
// the same adapters can deliver at most. Started by bench/compare.ts as its own process.
//   POST /view      {"bsn": "..."}                    → {data: {klant}}
//   POST /caseload  {"eerste": 50, "na": "..."|null}  → {data: {caseload}}
import Fastify from 'fastify';
import { Pool } from 'undici';
import { internalTokens } from '../support/bench-issuer.js';
import { CWI_CASELOAD, CWI_VIEW, entitiesQuery, GEMEENTE_CASELOAD, GEMEENTE_VIEW, UWV_CASELOAD, UWV_VIEW } from '../support/queries.js';

type Json = Record<string, any>;
const partners = ['uwv', 'cwi', 'gemeente'] as const;
type Partner = (typeof partners)[number];

const urls = { uwv: process.env.UWV_ADAPTER_URL!, cwi: process.env.CWI_ADAPTER_URL!, gemeente: process.env.GEMEENTE_ADAPTER_URL! };
const tokenFor = await internalTokens(process.env, partners);
const pools = Object.fromEntries(partners.map((p) => [p, new Pool(new URL(urls[p]).origin, { connections: 10 })])) as Record<Partner, Pool>;

async function ask(partner: Partner, query: string, variables: Json): Promise<Json> {
  const { body } = await pools[partner].request({
    method: 'POST',
    path: new URL(urls[partner]).pathname,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(partner)}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await body.json()) as Json;
  if (answer.errors?.length) throw new Error(`${partner}: ${answer.errors[0].message}`);
  return answer.data;
}

const entities = (partner: Partner, fields: string, bsns: string[]) =>
  ask(partner, entitiesQuery(fields), { r: bsns.map((bsn) => ({ __typename: 'Klant', bsn })) }).then((d) => d._entities as Json[]);

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));

app.post<{ Body: { bsn: string } }>('/view', async (request) => {
  const { bsn } = request.body;
  const [g, [u], [c]] = await Promise.all([
    ask('gemeente', `query($bsn: ID!) { klant(bsn: $bsn) { ${GEMEENTE_VIEW} } }`, { bsn }),
    entities('uwv', UWV_VIEW, [bsn]),
    entities('cwi', CWI_VIEW, [bsn]),
  ]);
  return { data: { klant: g.klant ? { ...g.klant, ...u, ...c } : null } };
});

app.post<{ Body: { eerste: number; na?: string | null } }>('/caseload', async (request) => {
  const { eerste, na } = request.body;
  const g = await ask('gemeente', `query($eerste: Int!, $na: String) { caseload(eerste: $eerste, na: $na) { totaal volgende klanten { ${GEMEENTE_CASELOAD} } } }`, { eerste, na });
  const bsns = (g.caseload.klanten as Json[]).map((k) => k.bsn as string);
  const [u, c] = await Promise.all([entities('uwv', UWV_CASELOAD, bsns), entities('cwi', CWI_CASELOAD, bsns)]);
  const klanten = (g.caseload.klanten as Json[]).map((k, i) => ({ ...k, ...u[i], ...c[i] }));
  return { data: { caseload: { ...g.caseload, klanten } } };
});

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(JSON.stringify({ msg: 'ceiling is listening', url }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
