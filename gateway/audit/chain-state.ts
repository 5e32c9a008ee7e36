// The state of the rapportage hash chains for the auditor: `ketenpoort verify-chain` (the same
// verifyAnchoredChains from gateway/rapportage/chain-anchor.ts: the chain and its signed head
// record) over every block of the organisation's own trajectories, with each break named in words.
// Reads report rows to hash them; shows none.
import type { ChainBreak } from '../rapportage/chain.js';
import { verifyAnchoredChains } from '../rapportage/chain-anchor.js';
import type { ChainServices } from '../services.js';
import type { AuditScope } from './scope.js';

const BREAK_WORDS: Record<ChainBreak['reason'], string> = {
  'sequence-gap': 'er ontbreekt een rapportage in de reeks (een rij is verwijderd of het volgnummer is veranderd)',
  'prev-hash-mismatch': 'de verwijzing naar de vorige rapportage klopt niet (een eerdere rij is veranderd of verwijderd)',
  'hash-mismatch': 'de inhoud van deze rapportage is veranderd nadat hij is opgeslagen',
  'head-missing': 'het blok heeft rapportages maar geen ondertekend laatste punt (ketenhoofd): dat is verwijderd, of het blok is van vóór die vastlegging',
  'head-forged': 'de handtekening van het laatste punt (ketenhoofd) klopt niet: het is veranderd buiten Ketenpoort om',
  'rows-removed': 'de nieuwste rapportage(s) zijn verwijderd: het ondertekende laatste punt noemt een latere rapportage dan er is',
  'head-behind': 'er staan rapportages na het ondertekende laatste punt: buiten Ketenpoort om geschreven, of het laatste punt is teruggezet',
  'head-mismatch': 'op de plaats van het ondertekende laatste punt staat een andere rapportage',
  'blok-removed': 'het blok is verwijderd of leeggemaakt: het ondertekende laatste punt noemt rapportages die er niet meer zijn',
  'behind-receipt': 'een ontvangstbewijs noemt een latere rapportage dan de database heeft (teruggezet uit een oudere back-up?)',
  'receipt-mismatch': 'een ontvangstbewijs noemt op deze plaats een andere rapportage: de geschiedenis is herschreven',
};

export async function chainState(services: ChainServices, scope: AuditScope) {
  const blocks = await services.prisma.rapportageBlok.findMany({
    where: { traject: { gemeenteOin: scope.oin } },
    select: { id: true, trajectId: true },
    orderBy: { openedAt: 'asc' },
  });
  const traject = new Map(blocks.map((b) => [b.id, b.trajectId]));
  const { results } = await verifyAnchoredChains(services.prisma, services.chainHeads, { blokIds: blocks.map((b) => b.id) });
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
