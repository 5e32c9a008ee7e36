// Demo data for the chain's own tables: the organisations and the trajectories the gemeenten
// assigned to RIBs, with their rapportage blocks open. Idempotent: running it twice changes nothing.
import { ORG, ORGANISATIONS } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import type { Db } from '../db/database.js';
import { seedDemoConsents } from '../consent/demo-seed.js';

export const SEEDED_BY = 'ketenpoort-seed';

export interface SeedResult {
  organisations: number;
  trajecten: number;
}

export async function seedDemoData(db: Db): Promise<SeedResult> {
  for (const org of ORGANISATIONS) {
    await db.organisation.upsert({ where: { oin: org.oin }, create: org, update: { name: org.name, kind: org.kind } });
  }
  // The gemeenten's purchase contracts: Amsterdam buys from both demo bureaus, Leiden from Werkfit.
  const since = new Date('2025-01-01T00:00:00Z');
  for (const [gemeente, rib] of [[ORG.amsterdam, ORG.werkfit], [ORG.amsterdam, ORG.aandeslag], [ORG.leiden, ORG.werkfit]] as const) {
    await db.inkoopcontract.upsert({
      where: { gemeenteOin_ribOin: { gemeenteOin: gemeente.oin, ribOin: rib.oin } },
      create: { gemeenteOin: gemeente.oin, ribOin: rib.oin, validFrom: since },
      update: {},
    });
  }
  let trajecten = 0;
  for (const client of population()) {
    for (const t of client.trajecten) {
      const existing = await db.traject.findUnique({
        where: { gemeenteOin_externalId: { gemeenteOin: client.gemeenteOin, externalId: t.externalId } },
      });
      if (existing) continue;
      await db.traject.create({
        data: {
          gemeenteOin: client.gemeenteOin,
          externalId: t.externalId,
          subjectBsn: client.bsn,
          title: t.title,
          startsOn: new Date(`${t.startsOn}T00:00:00Z`),
          endsOn: new Date(`${t.endsOn}T00:00:00Z`),
          createdBy: SEEDED_BY,
          blokken: { create: { ribOin: t.ribOin, openedBy: SEEDED_BY } },
        },
      });
      trajecten++;
    }
  }
  // A pending request (client-fatima) and an active consent (client-aandeslag), so the demo shows both.
  await seedDemoConsents(db);
  return { organisations: ORGANISATIONS.length, trajecten };
}
