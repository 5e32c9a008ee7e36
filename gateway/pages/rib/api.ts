// The bureau's pages reach their data exactly as a bureau's own system does: the graph for the work
// list and consent, and the RIB REST API (POST/GET /rib/v1/trajecten/…) for the block, files and
// reports, called in-process with the coach's own bearer token and the consent token the consent
// module issues (as shared/bijlage-download.ts does for PDFs). So the consent check, the block rule,
// idempotency, both logs and every refusal are the API's own; the pages only carry them to the coach.
import type { FastifyInstance } from 'fastify';
import type { BureauTraject as BackEndBureauTraject } from '../../rapportage/bureau-trajecten.js';
import type { Pages } from '../shared/context.js';
import { GraphRequestError, SessionExpiredError } from '../shared/graph-client.js';
import type { PageSession } from '../shared/session.js';

/** trajectenVanMijnBureau as the graph answers it: the back end's row (already strings, no dates) with the gemeente's name instead of its source. */
export type BureauTraject = Omit<BackEndBureauTraject, 'naamBron'> & { klantnaam: string | null };

export const BUREAU_TRAJECTEN = `query OnsBlok($id: ID) { trajectenVanMijnBureau(trajectId: $id) { trajectId blokId titel startdatum einddatum klantnaam
  toestemming { stand geldigTot ingetrokkenOp } laatsteRapportageOp volgendeRapportageUiterlijk teLaat } }`;

/** The REST API's answer: its JSON body, or its problem's code (and the field it names). */
export type RestAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: string; field?: string; detail?: string };

export interface RibApi {
  /** The bureau's trajectories (or the one asked for), as the back end lists them; partner errors (the gemeente's names) alongside. */
  trajecten(session: PageSession, trajectId?: string): Promise<{ trajecten: BureauTraject[]; errors: GraphRequestError['errors'] }>;
  /** A consent token for this trajectory, if the bureau has a consent the consent module will issue one for. */
  consentToken(session: PageSession, trajectId: string): Promise<{ token?: string; refused?: string }>;
  rest<T>(session: PageSession, input: { method: 'GET' | 'POST'; url: string; consentToken?: string; idempotencyKey?: string; contentType?: string; payload?: string | Buffer }): Promise<RestAnswer<T> & { raw?: { headers: Record<string, unknown>; payload: Buffer } }>;
}

interface Consent {
  id: string;
  trajectId: string;
  status: string;
  geldigVanaf: string;
}

export function createRibApi(app: FastifyInstance, pages: Pages): RibApi {
  return {
    async trajecten(session, trajectId) {
      const { data, errors } = await pages.graph<{ trajectenVanMijnBureau: BureauTraject[] }>(session, BUREAU_TRAJECTEN, { id: trajectId ?? null });
      return { trajecten: data?.trajectenVanMijnBureau ?? [], errors };
    },

    async consentToken(session, trajectId) {
      const { data } = await pages.graph<{ toestemmingenVanMijnBureau: Consent[] }>(session, 'query Toestemmingen { toestemmingenVanMijnBureau { id trajectId status geldigVanaf } }');
      const own = (data?.toestemmingenVanMijnBureau ?? []).filter((c) => c.trajectId === trajectId);
      // The active one if there is one, else the newest: the consent module says why it is not usable.
      const chosen = own.find((c) => c.status === 'actief') ?? own.sort((a, b) => b.geldigVanaf.localeCompare(a.geldigVanaf))[0];
      if (!chosen) return {};
      try {
        const answer = await pages.graph<{ toestemmingstoken: { token: string } }>(session, 'query Token($id: ID!) { toestemmingstoken(toestemmingId: $id) { token } }', { id: chosen.id });
        return { token: answer.data?.toestemmingstoken.token };
      } catch (err) {
        if (err instanceof GraphRequestError && err.code.startsWith('CONSENT_')) return { refused: err.code };
        throw err;
      }
    },

    async rest(session, input) {
      const headers: Record<string, string> = { authorization: `Bearer ${session.token}` };
      if (input.consentToken) headers['consent-token'] = input.consentToken;
      if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
      if (input.contentType) headers['content-type'] = input.contentType;
      const res = await app.inject({ method: input.method, url: input.url, headers, payload: input.payload });
      if (res.statusCode === 401) throw new SessionExpiredError();
      const isJson = String(res.headers['content-type'] ?? '').includes('json');
      let body: unknown;
      try {
        body = isJson ? res.json() : undefined;
      } catch {
        body = undefined;
      }
      if (res.statusCode < 300) return { ok: true, status: res.statusCode, body: body as never, raw: { headers: res.headers, payload: res.rawPayload } };
      const problem = (body ?? {}) as { code?: unknown; field?: unknown; detail?: unknown };
      return {
        ok: false,
        status: res.statusCode,
        code: typeof problem.code === 'string' ? problem.code : 'INTERNAL',
        field: typeof problem.field === 'string' ? problem.field : undefined,
        detail: typeof problem.detail === 'string' ? problem.detail : undefined,
      };
    },
  };
}
