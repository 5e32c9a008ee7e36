// Demo data for the chain's own tables: the organisations and the trajectories the gemeenten
// assigned to RIBs, with their rapportage blocks open. Idempotent: running it twice changes nothing.
import { ORGANISATIONS } from '../../adapters/population/organisations.js';
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
