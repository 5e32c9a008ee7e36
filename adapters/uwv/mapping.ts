// UWV's field names and units end here: the source's records become the subgraph's UwvUitkering.
import { fromIsoDate } from '../common/dates.js';
import type { UwvUitkeringRecord } from './source-contract.js';

export interface UwvUitkering {
  id: string;
  soort: 'WW' | 'WIA_WGA' | 'WIA_IVA' | 'WAJONG';
  status: 'LOPEND' | 'BEEINDIGD';
  ingangsdatum: string;
  einddatum: string | null;
  bedragPerMaand: number;
  dagloon: number | null;
  uitkeringspercentage: number | null;
  arbeidsongeschiktheidspercentage: number | null;
  beeindigingsreden: string | null;
  laatstGewijzigdOp: string | null;
}

const SOORT: Record<UwvUitkeringRecord['regeling'], UwvUitkering['soort']> = {
  WW: 'WW',
  WGA: 'WIA_WGA',
  IVA: 'WIA_IVA',
  WAJONG: 'WAJONG',
};

const REDEN: Record<string, string> = {
  MAXIMALE_DUUR_BEREIKT: 'maximale duur bereikt',
  WERKHERVATTING: 'werkhervatting',
  OVERIG: 'overig',
};

const euros = (cents: number) => Math.round(cents) / 100;

export function toUitkering(r: UwvUitkeringRecord): UwvUitkering {
  const soort = SOORT[r.regeling];
  if (!soort) throw new TypeError('unknown regeling');
  if (r.statusCode !== 'LOPEND' && r.statusCode !== 'BEEINDIGD') throw new TypeError('unknown statusCode');
  return {
    id: r.uitkeringId,
    soort,
    status: r.statusCode,
    ingangsdatum: fromIsoDate(r.datumAanvang),
    einddatum: r.datumEinde ? fromIsoDate(r.datumEinde) : null,
    bedragPerMaand: euros(r.brutoMaandbedragCent),
    dagloon: r.dagloonCent == null ? null : euros(r.dagloonCent),
    uitkeringspercentage: r.uitkeringspercentage,
    arbeidsongeschiktheidspercentage: r.arbeidsongeschiktheidspercentage,
    beeindigingsreden: r.redenEinde ? (REDEN[r.redenEinde] ?? r.redenEinde.toLowerCase()) : null,
    laatstGewijzigdOp: r.datumLaatsteWijziging ?? null,
  };
}
