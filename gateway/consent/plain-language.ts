// The client's processing log in plain Dutch (taalniveau B1): who saw or wrote what about them,
// when and why, e.g. "Werkfit Re-integratie heeft op 3 maart 2026 uw werkprofiel bekeken voor uw
// traject." Built from the processing log (Logboek Dataverwerkingen) and the Organisation table.
import type { Caller } from '../auth/caller.js';
import { forbidden } from '../errors.js';
import { DELIVERY_NAMES } from '../logs/event-delivery.js';
import { ACTIVITIES, type Activity, type ProcessingRecord } from '../logs/processing-log.js';
import type { ChainServices } from '../services.js';

const TZ = 'Europe/Amsterdam';
const dateFmt = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });
const timeFmt = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: TZ });

export const formatDate = (d: Date) => dateFmt.format(d);
export const formatDateTime = (d: Date) => `${dateFmt.format(d)} om ${timeFmt.format(d)}`;
/** A calendar day (yyyy-mm-dd) as that same day: noon UTC is on that day in the Netherlands too. */
export const formatDay = (day: string) => dateFmt.format(new Date(`${day}T12:00:00Z`));

/** Per activity: what was done (read / write) and why, as a client would say it. */
const PLAIN: Record<Activity, { lezen: string; schrijven: string; waarom: string }> = {
  klantbeeld: { lezen: 'uw gegevens over werk en inkomen bekeken', schrijven: 'uw gegevens over werk en inkomen aangepast', waarom: 'om u te helpen met werk en inkomen' },
  caseload: { lezen: 'uw naam en adres gezien in hun lijst van klanten', schrijven: 'u in hun lijst van klanten gezet', waarom: 'omdat zij u begeleiden' },
  rapportageSchrijven: { lezen: 'een rapportage over uw traject bekeken', schrijven: 'een rapportage over uw traject geschreven', waarom: 'voor uw klantmanager' },
  rapportageLezen: { lezen: 'een rapportage over uw traject gelezen', schrijven: 'een rapportage over uw traject aangevuld', waarom: 'om u te begeleiden' },
  werkprofielRib: { lezen: 'uw werkprofiel bekeken', schrijven: 'uw werkprofiel aangepast', waarom: 'voor uw traject' },
  toestemming: { lezen: 'uw toestemmingen bekeken', schrijven: 'uw toestemming vastgelegd of gewijzigd', waarom: 'voor uw traject' },
  eigenGegevens: { lezen: 'uw eigen gegevens bekeken', schrijven: 'uw eigen gegevens gewijzigd', waarom: 'omdat het uw gegevens zijn' },
  signalering: { lezen: 'een bericht van UWV over een wijziging in uw uitkering ontvangen', schrijven: 'een bericht over uw uitkering vastgelegd', waarom: 'zodat uw klantmanager u op tijd kan helpen' },
  trajectToewijzen: { lezen: 'uw traject bekeken', schrijven: 'uw traject aan een re-integratiebureau gegeven', waarom: 'om u te helpen aan werk' },
  controle: { lezen: 'bekeken wie uw gegevens heeft gebruikt', schrijven: 'vastgelegd wie uw gegevens heeft gebruikt', waarom: 'om te controleren of dat volgens de regels ging' },
};

/** Consent changes say exactly what happened (the processing's name, see consent/events.ts). */
const CONSENT_ACTS: Record<string, string> = {
  'toestemming vragen': 'u om toestemming gevraagd',
  'toestemming geven': 'toestemming gegeven',
  'toestemming weigeren': 'een verzoek om toestemming afgewezen',
  'toestemming intrekken': 'uw toestemming ingetrokken',
  'toestemming teruggeven': 'uw toestemming teruggegeven',
  'verzoek intrekken': 'een verzoek om toestemming ingetrokken',
};

/** News pushed to an open page or subscription (gateway/logs/event-delivery.ts): what was told. */
const DELIVERY_ACTS: Record<string, string> = {
  [DELIVERY_NAMES.rapportage]: 'bericht gekregen dat er een rapportage over uw traject is',
  [DELIVERY_NAMES.toestemming]: 'bericht gekregen dat uw toestemming is gevraagd of gewijzigd',
  [DELIVERY_NAMES.signalering]: 'bericht gekregen over een wijziging in uw uitkering',
};

/** Why, for what the client did themselves: only where it names their trajectory. */
const SELF_WHY: Partial<Record<Activity, string>> = { toestemming: 'voor uw traject', werkprofielRib: 'voor uw traject' };

const BY_URI = new Map(Object.entries(ACTIVITIES).map(([k, uri]) => [uri as string, k as Activity]));

export interface PlainProcessing {
  tekst: string;
  op: string;
  organisatie: string | null;
  wat: string;
  waarom: string;
  soort: 'lezen' | 'schrijven';
}

export function plainLine(r: ProcessingRecord, orgName: string | undefined): PlainProcessing {
  const activity = BY_URI.get(r.activity);
  const soort = r.operation === 'write' ? 'schrijven' : 'lezen';
  const plain = activity ? PLAIN[activity] : undefined;
  const wat =
    DELIVERY_ACTS[r.name] ??
    (activity === 'toestemming' ? CONSENT_ACTS[r.name] : undefined) ??
    (plain ? plain[soort] : soort === 'schrijven' ? 'gegevens over u vastgelegd' : 'gegevens over u bekeken');
  const self = r.actorRole === 'client';
  // The client's own reading is theirs: "U heeft … gelezen.", not a reason written for someone
  // who helps them ("om u te begeleiden"). Only what concerns their trajectory keeps its "voor".
  const waarom = self ? SELF_WHY[activity as Activity] ?? '' : plain?.waarom ?? 'voor hun wettelijke taak';
  const org = orgName ?? 'een organisatie in de keten';
  // An auditor is named by their task, so the client knows who checked and why.
  const who = self ? 'U' : r.actorRole === 'auditor' ? `De privacyfunctionaris van ${org}` : orgName ?? 'Een organisatie in de keten';
  const tekst = `${who} heeft op ${formatDate(r.startTime)} ${wat}${waarom ? ` ${waarom}` : ''}.`;
  return { tekst, op: r.startTime.toISOString(), organisatie: self ? null : orgName ?? null, wat, waarom: waarom || 'door uzelf', soort };
}

/** The caller's own processing log, newest first. Only a client has one to read here. */
export async function myProcessingLog(services: ChainServices, caller: Caller, options: { limit?: number; before?: Date } = {}) {
  if (caller.role !== 'client') throw forbidden('only a client reads their own processing log');
  const records = await services.processingLog.forSubject(caller.bsn, options);
  const oins = [...new Set(records.map((r) => r.actorOin).filter(Boolean))];
  const orgs = oins.length ? await services.prisma.organisation.findMany({ where: { oin: { in: oins } } }) : [];
  const names = new Map(orgs.map((o) => [o.oin, o.name]));
  return records.map((r) => plainLine(r, names.get(r.actorOin)));
}
