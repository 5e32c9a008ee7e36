import type { TestApp } from './app.js';

/**
 * Rows in every table a GraphQL or REST request could write (logs, consent, reports): a refused
 * request leaves them as they were. Compare before and after with toEqual.
 */
export async function writtenRows(t: TestApp) {
  const p = t.db.prisma;
  const [besluit, verwerking, consent, consentEvent, consentRequest, rapportage] = await Promise.all([
    p.besluit.count(), p.verwerking.count(), p.consent.count(), p.consentEvent.count(), p.consentRequest.count(), p.rapportage.count(),
  ]);
  return { besluit, verwerking, consent, consentEvent, consentRequest, rapportage };
}
