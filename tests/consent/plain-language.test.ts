// The client's processing log in plain Dutch: one sentence per processing, organisation by name.
import { describe, expect, it } from 'vitest';
import { plainLine } from '../../gateway/consent/plain-language.js';
import { ACTIVITIES } from '../../gateway/logs/processing-log.js';
import type { ProcessingRecord } from '../../gateway/logs/processing-log.js';

const record = (over: Partial<ProcessingRecord>): ProcessingRecord => ({
  traceId: '0'.repeat(32),
  spanId: '0'.repeat(16),
  name: 'werkprofiel lezen',
  activity: ACTIVITIES.werkprofielRib,
  operation: 'read',
  actorOin: '00000003990000000101',
  actorRole: 'rib',
  partners: ['cwi'],
  fields: ['werkprofiel'],
  // 10:00 in Amsterdam on 3 March 2026
  startTime: new Date('2026-03-03T09:00:00Z'),
  statusCode: 'OK',
  ...over,
});

describe('processing log in plain Dutch', () => {
  it('says who looked at what, when and why', () => {
    expect(plainLine(record({}), 'Werkfit Re-integratie').tekst).toBe(
      'Werkfit Re-integratie heeft op 3 maart 2026 uw werkprofiel bekeken voor uw traject.',
    );
    expect(plainLine(record({ activity: ACTIVITIES.rapportageSchrijven, operation: 'write' }), 'Werkfit Re-integratie').tekst).toBe(
      'Werkfit Re-integratie heeft op 3 maart 2026 een rapportage over uw traject geschreven voor uw klantmanager.',
    );
    expect(plainLine(record({ activity: ACTIVITIES.klantbeeld, actorRole: 'klantmanager' }), 'Gemeente Amsterdam').tekst).toBe(
      'Gemeente Amsterdam heeft op 3 maart 2026 uw gegevens over werk en inkomen bekeken om u te helpen met werk en inkomen.',
    );
  });

  it('uses the date in Amsterdam, speaks to the client about their own actions, and names consent changes', () => {
    const lateEvening = record({ startTime: new Date('2026-03-03T23:30:00Z'), actorRole: 'client', actorOin: '', activity: ACTIVITIES.toestemming, operation: 'write', name: 'toestemming intrekken' });
    expect(plainLine(lateEvening, undefined)).toMatchObject({ tekst: 'U heeft op 4 maart 2026 uw toestemming ingetrokken voor uw traject.', organisatie: null, soort: 'schrijven' });
  });

  it('falls back to a plain sentence for an activity it does not know', () => {
    const unknown = plainLine(record({ activity: 'https://elders.example/iets' }), undefined);
    expect(unknown.tekst).toBe('Een organisatie in de keten heeft op 3 maart 2026 gegevens over u bekeken voor hun wettelijke taak.');
  });
});
