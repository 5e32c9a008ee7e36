// The income side of each synthetic client: which benefits run, from when, for how much. It lives
// here, not in one sandbox, because two partners must agree on it: when a client's WW (UWV) ends,
// the bijstand (gemeente) starts the next day. Amounts are gross, in euro cents, near 2026 levels.
import { REFERENCE_DATE, isoDate, rng, type SyntheticClient } from './population.js';

export interface WwRecht {
  ingangsdatum: string;
  einddatum: string;
  /** Daily wage the benefit is based on, in cents. */
  dagloonCent: number;
  /** 75 % in the first two months, 70 % afterwards. */
  percentage: 70 | 75;
  brutoPerMaandCent: number;
}

export interface ArbeidsongeschiktheidRecht {
  regeling: 'WGA' | 'IVA' | 'WAJONG';
  ingangsdatum: string;
  /** Degree of incapacity for work (WIA only). */
  arbeidsongeschiktheidspercentage: number | null;
  brutoPerMaandCent: number;
}

export type Leefvorm = 'alleenstaand' | 'alleenstaande-ouder' | 'gehuwd';

export interface BijstandRecht {
  ingangsdatum: string;
  einddatum: string | null;
  leefvorm: Leefvorm;
  brutoPerMaandCent: number;
  /** Part of the norm deducted for own income (parttime work). */
  kortingCent: number;
}

export interface Inkomen {
  ww: WwRecht | null;
  arbeidsongeschiktheid: ArbeidsongeschiktheidRecht | null;
  bijstand: BijstandRecht | null;
}

/** Participatiewet norms (gross, per month), close to the 2026 figures. */
const BIJSTANDSNORM_CENT: Record<Leefvorm, number> = {
  alleenstaand: 132_139,
  'alleenstaande-ouder': 132_139,
  gehuwd: 188_770,
};
/** Working days per month UWV uses to turn a dagloon into a monthly amount. */
const WERKDAGEN_PER_MAAND = 21.75;

const cache = new Map<number, Inkomen>();

export function inkomenVan(client: SyntheticClient): Inkomen {
  let found = cache.get(client.index);
  if (!found) {
    found = derive(client);
    cache.set(client.index, found);
  }
  return found;
}

function derive(c: SyntheticClient): Inkomen {
  const r = rng(50_000 + c.index);
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const leefvorm: Leefvorm = (['alleenstaand', 'alleenstaand', 'alleenstaande-ouder', 'gehuwd'] as const)[between(0, 3)]!;

  const ww = (ingangsdatum: string, einddatum: string): WwRecht => {
    const dagloonCent = between(9_500, 17_000);
    const monthsRunning = (Date.parse(REFERENCE_DATE) - Date.parse(ingangsdatum)) / (30.44 * 86_400_000);
    const percentage = monthsRunning < 2 ? 75 : 70;
    return { ingangsdatum, einddatum, dagloonCent, percentage, brutoPerMaandCent: Math.round((dagloonCent * WERKDAGEN_PER_MAAND * percentage) / 100) };
  };
  const bijstand = (ingangsdatum: string): BijstandRecht => {
    const norm = BIJSTANDSNORM_CENT[leefvorm];
    // About one in five earns something on the side; the gemeente deducts it from the norm.
    const kortingCent = r() < 0.2 ? between(10_000, 45_000) : 0;
    return { ingangsdatum, einddatum: null, leefvorm, brutoPerMaandCent: norm - kortingCent, kortingCent };
  };

  switch (c.scenario) {
    case 'ww': {
      const start = isoDate(REFERENCE_DATE, -between(20, 300));
      // Entitlement of 3 to 24 months, always still running on the reference date.
      const end = isoDate(start, Math.max(between(3, 24) * 30, (Date.parse(REFERENCE_DATE) - Date.parse(start)) / 86_400_000 + between(14, 120)));
      return { ww: ww(start, end), arbeidsongeschiktheid: null, bijstand: null };
    }
    case 'ww-naar-bijstand': {
      // WW ends within a few weeks of the reference date; bijstand starts the next day.
      const end = isoDate(REFERENCE_DATE, between(-25, 35));
      const start = isoDate(end, -between(12, 24) * 30);
      return { ww: ww(start, end), arbeidsongeschiktheid: null, bijstand: bijstand(isoDate(end, 1)) };
    }
    case 'bijstand':
      return { ww: null, arbeidsongeschiktheid: null, bijstand: bijstand(isoDate(REFERENCE_DATE, -between(60, 1400))) };
    case 'wia': {
      const percentage = between(35, 100);
      const regeling = percentage >= 80 && r() < 0.5 ? 'IVA' : 'WGA';
      return {
        ww: null,
        arbeidsongeschiktheid: {
          regeling,
          ingangsdatum: isoDate(REFERENCE_DATE, -between(200, 2500)),
          arbeidsongeschiktheidspercentage: percentage,
          brutoPerMaandCent: between(110_000, 220_000),
        },
        bijstand: null,
      };
    }
    case 'wajong': {
      // Wajong starts around the 18th birthday: 70 % of the minimum wage.
      const achttien = isoDate(c.geboortedatum, Math.round(18 * 365.25) + between(0, 200));
      return {
        ww: null,
        arbeidsongeschiktheid: { regeling: 'WAJONG', ingangsdatum: achttien, arbeidsongeschiktheidspercentage: null, brutoPerMaandCent: between(148_000, 156_000) },
        bijstand: null,
      };
    }
    case 'geen':
      return { ww: null, arbeidsongeschiktheid: null, bijstand: null };
  }
}
