// UWV's register as its source API holds it, derived from the synthetic population: one record per
// benefit right (WW, WIA-WGA/IVA, Wajong), in UWV's own field names, amounts in cents, ISO dates.
// Bijstand is not UWV's: the gemeente sandbox serves it.
import { inkomenVan } from '../population/inkomen.js';
import { population, POPULATION_SIZE, REFERENCE_DATE } from '../population/population.js';
import type { UwvUitkeringRecord } from './source-contract.js';


export interface UwvRegister {
  byBsn: Map<string, UwvUitkeringRecord[]>;
  byId: Map<string, UwvUitkeringRecord>;
}

const registers = new Map<number, UwvRegister>();

export function uwvRegister(populationSize = POPULATION_SIZE): UwvRegister {
  let register = registers.get(populationSize);
  if (!register) {
    register = build(populationSize);
    registers.set(populationSize, register);
  }
  return register;
}

function build(populationSize: number): UwvRegister {
  const byBsn = new Map<string, UwvUitkeringRecord[]>();
  const byId = new Map<string, UwvUitkeringRecord>();
  for (const client of population(populationSize)) {
    const { ww, arbeidsongeschiktheid: ao } = inkomenVan(client);
    const records: UwvUitkeringRecord[] = [];
    if (ww) {
      const ended = ww.einddatum < REFERENCE_DATE;
      records.push({
        uitkeringId: `WW-${ww.ingangsdatum.slice(0, 4)}-${String(310_000 + client.index * 17).padStart(7, '0')}`,
        burgerservicenummer: client.bsn,
        wet: 'WW',
        regeling: 'WW',
        statusCode: ended ? 'BEEINDIGD' : 'LOPEND',
        datumAanvang: ww.ingangsdatum,
        datumEinde: ww.einddatum,
        redenEinde: ended ? 'MAXIMALE_DUUR_BEREIKT' : null,
        brutoMaandbedragCent: ww.brutoPerMaandCent,
        dagloonCent: ww.dagloonCent,
        uitkeringspercentage: ww.percentage,
        arbeidsongeschiktheidspercentage: null,
        datumLaatsteWijziging: `${ended ? ww.einddatum : ww.ingangsdatum}T09:12:00Z`,
      });
    }
    if (ao) {
      const wia = ao.regeling !== 'WAJONG';
      records.push({
        uitkeringId: `${wia ? 'WIA' : 'WAJ'}-${ao.ingangsdatum.slice(0, 4)}-${String(520_000 + client.index * 13).padStart(7, '0')}`,
        burgerservicenummer: client.bsn,
        wet: wia ? 'WIA' : 'WAJONG',
        regeling: ao.regeling,
        statusCode: 'LOPEND',
        datumAanvang: ao.ingangsdatum,
        datumEinde: null,
        redenEinde: null,
        brutoMaandbedragCent: ao.brutoPerMaandCent,
        dagloonCent: null,
        uitkeringspercentage: wia ? (ao.regeling === 'IVA' ? 75 : 70) : 70,
        arbeidsongeschiktheidspercentage: ao.arbeidsongeschiktheidspercentage,
        datumLaatsteWijziging: `${ao.ingangsdatum}T08:30:00Z`,
      });
    }
    byBsn.set(client.bsn, records);
    for (const r of records) byId.set(r.uitkeringId, r);
  }
  return { byBsn, byId };
}
