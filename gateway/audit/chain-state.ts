// The state of the rapportage hash chains for the auditor: `ketenpoort verify-chain` (the same
// verifyBlocks from gateway/rapportage/chain.ts) over every block of the organisation's own
// trajectories, with each break named in words. Reads report rows to hash them; shows none.
import { verifyBlocks, type ChainBreak } from '../rapportage/chain.js';
import type { ChainServices } from '../services.js';
import type { AuditScope } from './scope.js';

const BREAK_WORDS: Record<ChainBreak['reason'], string> = {
  'sequence-gap': 'er ontbreekt een rapportage in de reeks (een rij is verwijderd of het volgnummer is veranderd)',
  'prev-hash-mismatch': 'de verwijzing naar de vorige rapportage klopt niet (een eerdere rij is veranderd of verwijderd)',
  'hash-mismatch': 'de inhoud van deze rapportage is veranderd nadat hij is opgeslagen',
};

export async function chainState(services: ChainServices, scope: AuditScope) {
  const blocks = await services.prisma.rapportageBlok.findMany({
    where: { traject: { gemeenteOin: scope.oin } },
    select: { id: true, trajectId: true },
    orderBy: { openedAt: 'asc' },
  });
  const traject = new Map(blocks.map((b) => [b.id, b.trajectId]));
  const results = await verifyBlocks(services.prisma, blocks.map((b) => b.id));
  return {
    gecontroleerdOp: new Date().toISOString(),
    blokken: results.length,
    rapportages: results.reduce((n, r) => n + r.rows, 0),
    gebroken: results
      .filter((r) => !r.ok)
      .map((r) => ({
        blokId: r.blokId,
        trajectId: traject.get(r.blokId)!,
        rapportageId: r.broken!.rapportageId,
        volgnummer: r.broken!.sequence,
        reden: r.broken!.reason,
        uitleg: BREAK_WORDS[r.broken!.reason],
      })),
  };
}
