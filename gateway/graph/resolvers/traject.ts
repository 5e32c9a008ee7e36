// The client's trajectories in the combined view. A klantmanager sees those of their own gemeente,
// a client their own; nobody else gets any (RIBs work through their rapportage block only).
import type { Caller } from '../../auth/caller.js';
import type { Traject, RapportageBlok, Organisation } from '../../db/generated/client.js';
import { forbidden } from '../../errors.js';
import type { KetenContext } from '../keten-context.js';

type TrajectRow = Traject & { gemeente: Organisation; blokken: (RapportageBlok & { rib: Organisation })[] };

const day = (d: Date) => d.toISOString().slice(0, 10);
const org = (o: Organisation) => ({ oin: o.oin, naam: o.name, soort: o.kind });

export function trajectView(t: TrajectRow) {
  return {
    id: t.id,
    gemeenteKenmerk: t.externalId,
    titel: t.title,
    startdatum: day(t.startsOn),
    einddatum: day(t.endsOn),
    status: t.status === 'active' ? 'actief' : 'beeindigd',
    gemeente: org(t.gemeente),
    rapportageblokken: t.blokken.map((b) => ({
      id: b.id,
      rib: org(b.rib),
      status: b.status === 'open' ? 'open' : 'gesloten',
      geopendOp: b.openedAt.toISOString(),
      geslotenOp: b.closedAt?.toISOString() ?? null,
    })),
  };
}

/** Which trajectories of `bsn` this caller may see, as a Prisma filter; throws when none. */
function trajectScope(caller: Caller, bsn: string) {
  if (caller.role === 'client' && caller.bsn === bsn) return { subjectBsn: bsn };
  if (caller.role === 'klantmanager') return { subjectBsn: bsn, gemeenteOin: caller.oin };
  throw forbidden('trajectories are for the client and the klantmanager of their gemeente');
}

export const trajectResolvers = {
  Klant: {
    __resolveReference: (ref: { bsn: string }) => ({ bsn: ref.bsn }),
  },
};

/** A loader: one query for all clients of a caseload page, not one per client. */
export const trajectLoaders = {
  Klant: {
    async trajecten(queries: { obj: { bsn: string } }[], { caller, services }: KetenContext) {
      const bsns = queries.map((q) => q.obj.bsn);
      const scopes = bsns.map((bsn) => trajectScope(caller, bsn));
      const rows = await services.prisma.traject.findMany({
        where: { OR: scopes },
        include: { gemeente: true, blokken: { include: { rib: true }, orderBy: { openedAt: 'asc' } } },
        orderBy: { startsOn: 'desc' },
      });
      return bsns.map((bsn) => rows.filter((r) => r.subjectBsn === bsn).map(trajectView));
    },
  },
};
