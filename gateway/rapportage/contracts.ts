// A gemeente's purchase contracts (inkoop) with re-integratiebureaus, kept in the chain's database
// (Inkoopcontract). Only a bureau under a contract that runs today may be assigned one of that
// gemeente's trajectories; the klantmanager's pages list exactly those bureaus.
import type { ChainServices } from '../services.js';

/** Today as a calendar date (contracts run from and until whole days). */
const today = () => new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

const running = () => {
  const d = today();
  return { validFrom: { lte: d }, OR: [{ validUntil: null }, { validUntil: { gte: d } }] };
};

export async function hasRunningContract(services: ChainServices, gemeenteOin: string, ribOin: string): Promise<boolean> {
  const found = await services.prisma.inkoopcontract.findFirst({ where: { gemeenteOin, ribOin, ...running() }, select: { ribOin: true } });
  return Boolean(found);
}

/** The bureaus the gemeente may assign trajectories to today, by name. */
export async function contractedBureaus(services: ChainServices, gemeenteOin: string) {
  const rows = await services.prisma.inkoopcontract.findMany({
    where: { gemeenteOin, ...running() },
    include: { bureau: true },
  });
  return rows.map((r) => ({ oin: r.bureau.oin, naam: r.bureau.name, soort: r.bureau.kind })).sort((a, b) => a.naam.localeCompare(b.naam, 'nl'));
}
