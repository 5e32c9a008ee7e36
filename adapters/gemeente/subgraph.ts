// The gemeente subgraph: the Klant as the gemeente knows it (with its agenda), the caseload and its search. Whose
// caseload is always the internal token's `oin`, never an argument, so a klantmanager of one
// gemeente cannot ask for another's. Entities are fetched for a whole request at once.
import type { FastifyBaseLogger } from 'fastify';
import { isValidBsn } from '../../lib/bsn.js';
import { isIsoDate } from '../common/dates.js';
import { createBatchLoader, type BatchLoader } from '../common/batch-loader.js';
import { badUserInput, forbidden } from '../common/errors.js';
import type { InternalCall } from '../common/internal-auth.js';
import type { SourceHttp } from '../common/source-http.js';
import type { AdapterContext, SubgraphParts } from '../common/subgraph-app.js';
import { createGemeenteClient, type Zoekcriteria } from './client.js';
import type { Afspraak, Klant } from './mapping.js';

interface GemeenteRequest {
  klanten: BatchLoader<string, Klant>;
  afspraken: BatchLoader<string, Afspraak[]>;
}
type GemeenteContext = AdapterContext<GemeenteRequest>;

/** A big city's caseload (300-350 clients) fits on one page. */
const MAX_PAGE = 400;
const MAX_RESULTS = 50;

/** A caller acting for an organisation sees only that organisation's klanten. */
function visible(call: InternalCall, klant: Klant | undefined): Klant | null {
  if (!klant) return null;
  return call.oin && klant.gemeenteOin !== call.oin ? null : klant;
}

function organisationOf(call: InternalCall): string {
  if (!call.oin) throw forbidden('gemeente', 'a caseload belongs to an organisation; this call names none');
  return call.oin;
}

function criteriaFrom(args: Zoekcriteria): Zoekcriteria {
  const c: Zoekcriteria = {};
  if (args.bsn != null) {
    if (!isValidBsn(args.bsn)) throw badUserInput('gemeente', 'bsn is not a valid BSN');
    c.bsn = args.bsn;
  }
  if (args.naam != null) {
    if (args.naam.trim().length < 2) throw badUserInput('gemeente', 'naam needs at least two characters');
    c.naam = args.naam.trim().slice(0, 100);
  }
  if (args.postcode != null) {
    if (!/^\d{4} ?([A-Za-z]{2})?$/.test(args.postcode.trim())) throw badUserInput('gemeente', 'postcode is not a Dutch postcode (1234 AB) or its four digits');
    c.postcode = args.postcode.trim();
  }
  if (args.telefoon != null) {
    if (!/^[0-9 +-]{6,20}$/.test(args.telefoon.trim())) throw badUserInput('gemeente', 'telefoon is not a phone number');
    c.telefoon = args.telefoon.trim();
  }
  if (Object.keys(c).length === 0) throw badUserInput('gemeente', 'give at least one of bsn, naam, postcode, telefoon');
  return c;
}

export function gemeenteSubgraph(source: SourceHttp, log: FastifyBaseLogger): SubgraphParts<GemeenteRequest> {
  const client = createGemeenteClient(source, log);
  const lookup = async (bsn: string, ctx: GemeenteContext) => (isValidBsn(bsn) ? visible(ctx.call, await ctx.klanten.load(bsn)) : null);

  return {
    context: (call: InternalCall) => ({
      klanten: createBatchLoader((bsns: string[]) => client.opvragen(bsns, call.traceparent)),
      // The agenda of every klant in the answer (a whole caseload page) in one call to the source.
      afspraken: createBatchLoader((bsns: string[]) => client.afspraken(bsns, call.traceparent)),
    }),
    resolvers: {
      Query: {
        klant: (_root: unknown, args: { bsn: string }, ctx: GemeenteContext) => {
          if (!isValidBsn(args.bsn)) throw badUserInput('gemeente', 'bsn is not a valid BSN');
          return lookup(args.bsn, ctx);
        },
        caseload: async (_root: unknown, args: { eerste?: number | null; na?: string | null }, ctx: GemeenteContext) => {
          const oin = organisationOf(ctx.call);
          const eerste = args.eerste ?? 50;
          if (!Number.isInteger(eerste) || eerste < 1 || eerste > MAX_PAGE) throw badUserInput('gemeente', `eerste must be from 1 to ${MAX_PAGE}`);
          if (args.na != null && (args.na.length === 0 || args.na.length > 200)) throw badUserInput('gemeente', '`na` is not the `volgende` of an earlier page');
          const page = await client.caseload(oin, eerste, args.na ?? undefined, ctx.call.traceparent);
          return page ?? { klanten: [], totaal: 0, volgende: null };
        },
        zoekKlanten: async (_root: unknown, args: Zoekcriteria, ctx: GemeenteContext) => {
          const oin = organisationOf(ctx.call);
          const found = await client.zoek(oin, criteriaFrom(args), MAX_RESULTS, ctx.call.traceparent);
          return found?.klanten ?? [];
        },
        caseloadLidmaatschap: async (_root: unknown, args: { bsn: string }, ctx: GemeenteContext) => {
          if (!ctx.call.oin || !isValidBsn(args.bsn)) return null;
          const klant = await ctx.klanten.load(args.bsn);
          return klant && klant.gemeenteOin === ctx.call.oin ? { gemeenteOin: klant.gemeenteOin, klantmanager: klant.klantmanager } : null;
        },
      },
      Klant: {
        __resolveReference: (ref: { bsn: string }, _args: unknown, ctx: GemeenteContext) => lookup(ref.bsn, ctx),
        afspraken: async (klant: Klant, args: { vanaf?: string | null }, ctx: GemeenteContext) => {
          if (args.vanaf != null && !isIsoDate(args.vanaf)) throw badUserInput('gemeente', 'vanaf is not a date (yyyy-mm-dd)');
          // The klant was found through `lookup`, so it is visible; asked again because the agenda
          // is read by BSN and must never reach a caller the klant itself would not.
          if (!visible(ctx.call, klant)) return [];
          const all = (await ctx.afspraken.load(klant.bsn)) ?? [];
          return args.vanaf ? all.filter((a) => a.datum >= args.vanaf!) : all;
        },
      },
    },
  };
}
