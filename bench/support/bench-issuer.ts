// The ceiling and the bare gateway are not Ketenpoort, but the adapters they call accept only
// signed internal tokens. The bench plays the issuer for them: an ES256 key of its own, published
// at a JWKS URL the adapters trust, exactly as they trust Ketenpoort's in production.
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Caller } from '../../gateway/auth/caller.js';
import { signInternalToken } from '../../gateway/graph/internal-token.js';
import type { KeyStore } from '../../gateway/keys/key-store.js';
import { ACTIVITIES } from '../../gateway/logs/processing-log.js';

export interface BenchIssuer {
  issuer: string;
  jwksUrl: string;
  /** The private key as JWK, handed to a target process in its environment. */
  privateJwk: JWK;
  close(): Promise<void>;
}

export async function startBenchIssuer(port = 0): Promise<BenchIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'bench-internal';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const body = JSON.stringify({ keys: [publicJwk] });
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  // With a fixed port (adapters deployed elsewhere trust it), it listens on every interface.
  await new Promise<void>((resolve) => server.listen(port, port ? '0.0.0.0' : '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    issuer: `http://127.0.0.1:${bound}`,
    jwksUrl: `http://127.0.0.1:${bound}/.well-known/jwks.json`,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Internal tokens for one caller, one per subgraph, re-signed every 30 s (they live 60 s): what a
 * target must send so the adapters answer. The cost of signing is thus negligible for the targets.
 */
export async function internalTokens(env: NodeJS.ProcessEnv, subgraphs: readonly string[]): Promise<(subgraph: string) => string> {
  const jwk = JSON.parse(env.BENCH_SIGNING_JWK ?? 'null') as JWK | null;
  if (!jwk?.kid) throw new Error('BENCH_SIGNING_JWK is required');
  const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
  const keys = { signer: async () => ({ kid: jwk.kid!, alg: 'ES256', key }) } as unknown as KeyStore;
  const caller: Caller = { role: 'klantmanager', subject: 'km-jan', name: 'Jan Kok', oin: env.BENCH_OIN ?? '' };
  const current = new Map<string, string>();
  const sign = async () => {
    for (const subgraph of subgraphs) {
      current.set(subgraph, await signInternalToken(keys, {
        issuer: env.BENCH_ISSUER ?? '',
        subgraph,
        caller,
        purpose: ACTIVITIES.klantbeeld,
        traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
      }));
    }
  };
  await sign();
  setInterval(() => void sign(), 30_000).unref();
  return (subgraph) => current.get(subgraph)!;
}
