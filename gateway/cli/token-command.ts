// `ketenpoort token <person>`: a development-issuer token for a demo person, from the running gateway.
//
// Only the running gateway can sign a token it will accept: the issuer in the token is that
// gateway's PUBLIC_URL and the key is in that gateway's database. Signing here from a database
// named by this shell's DATA_DIR/DATABASE_URL (what this command once did when no gateway
// answered) gave tokens a gateway on another port or folder refused, and created ./data on the way.
// So this command only asks, and when nothing answers it says which settings point it there.
import type { Config } from '../config.js';
import { DEV_ISSUER_PATH } from '../auth/dev-issuer.js';

const WHERE = 'set PORT (or HOST, or PUBLIC_URL) to what the gateway runs with';

export async function printDevToken(config: Config, personId: string): Promise<number> {
  const url = `${config.publicUrl}${DEV_ISSUER_PATH}/token`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ person: personId }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    console.error(
      `ketenpoort token: no Ketenpoort answers at ${config.publicUrl}. Start it (npm start), or, if it runs ` +
        `elsewhere, ${WHERE}.`,
    );
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; detail?: string };
  if (res.ok && typeof body.access_token === 'string') {
    console.log(body.access_token);
    return 0;
  }
  if (res.status === 404) {
    // Without the development issuer the gateway has no such route.
    console.error(
      `ketenpoort token: the gateway at ${config.publicUrl} has its development issuer off; start it with ` +
        `'npm start' ('ketenpoort serve --demo') or DEV_ISSUER=on (never in production), or ${WHERE}.`,
    );
    return 1;
  }
  if (res.status === 400) {
    console.error(`ketenpoort token: no demo person "${personId}" ('ketenpoort seed --print' lists them)`);
    return 1;
  }
  console.error(`ketenpoort token: the gateway at ${config.publicUrl} answered ${res.status}${body.detail ? `: ${body.detail}` : ''}`);
  return 1;
}
