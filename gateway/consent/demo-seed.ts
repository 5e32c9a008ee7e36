// Demo consents, so a fresh `npm start` shows both sides of the flow: a request from Werkfit waiting
// for client-fatima, and an active consent client-aandeslag gave Aan de Slag. Idempotent: once any
// request or consent exists for that trajectory and bureau, nothing is added (rows are never deleted).
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import type { Db } from '../db/database.js';
import { recordEvent } from './events.js';
import { CONSENT_PURPOSE, toAuthorizationDetails, type ConsentScope } from './scopes.js';
import { dutchDay, toDateColumn } from '../../lib/dutch-day.js';
import { latestLastDay } from './validation.js';

async function trajectOf(db: Db, index: number) {
  const client = population()[index]!;
  const t = client.trajecten[0];
  if (!t) return undefined;
  return db.traject.findUnique({ where: { gemeenteOin_externalId: { gemeenteOin: client.gemeenteOin, externalId: t.externalId } } });
}

/**
 * As long as allowed, as a DATE column value: through the trajectory's last day, at most a year
 * (the same rule a RIB's request meets); undefined if the trajectory is over.
 */
function longestValidity(endsOn: Date, now: Date): Date | undefined {
  const lastDay = latestLastDay({ endsOn }, now);
  return lastDay >= dutchDay(now) ? toDateColumn(lastDay) : undefined;
}

export async function seedDemoConsents(db: Db): Promise<{ requests: number; consents: number }> {
  const now = new Date();
  const scopes: ConsentScope[] = ['rapportage:schrijven', 'werkprofiel:lezen'];
  let requests = 0;
  let consents = 0;

  const fatima = await trajectOf(db, 0);
  const fatimaUntil = fatima && longestValidity(fatima.endsOn, now);
  if (fatima && fatimaUntil && (await db.consentRequest.count({ where: { trajectId: fatima.id, granteeOin: ORG.werkfit.oin } })) === 0) {
    await db.$transaction(async (tx) => {
      const r = await tx.consentRequest.create({
        data: {
          trajectId: fatima.id,
          granteeOin: ORG.werkfit.oin,
          subjectBsn: fatima.subjectBsn,
          purpose: CONSENT_PURPOSE,
          authorizationDetails: toAuthorizationDetails(scopes, fatima.id) as object[],
          requestedThrough: fatimaUntil,
          createdBy: 'rib-werkfit',
        },
      });
      await recordEvent(tx, 'requested', { actor: 'rib-werkfit', actorRole: 'rib', actorOin: ORG.werkfit.oin }, { requestId: r.id }, { scopes });
    });
    requests++;
  }

  const aandeslag = await trajectOf(db, 3);
  const aandeslagUntil = aandeslag && longestValidity(aandeslag.endsOn, now);
  if (aandeslag && aandeslagUntil && (await db.consent.count({ where: { trajectId: aandeslag.id, granteeOin: ORG.aandeslag.oin } })) === 0) {
    await db.$transaction(async (tx) => {
      const c = await tx.consent.create({
        data: {
          trajectId: aandeslag.id,
          granteeOin: ORG.aandeslag.oin,
          subjectBsn: aandeslag.subjectBsn,
          purpose: CONSENT_PURPOSE,
          authorizationDetails: toAuthorizationDetails(['rapportage:schrijven'], aandeslag.id) as object[],
          validFrom: now,
          validThrough: aandeslagUntil,
          createdBy: 'client-aandeslag',
        },
      });
      await recordEvent(tx, 'granted', { actor: 'client-aandeslag', actorRole: 'client', actorOin: null }, { consentId: c.id }, { scopes: ['rapportage:schrijven'], version: 1 });
    });
    consents++;
  }
  return { requests, consents };
}
