// Writing a report from the page: the form (a correction starts from the report it corrects), then
// on sending, through the RIB REST API with the consent token the consent module issues: each PDF
// (POST …/bijlagen), then the report naming them (POST …/rapportages). The form carries its own
// idempotency key, so sending twice stores once and answers the same receipt. Whatever the API
// refuses — no consent, a revoked one, a field — comes back on the form in Dutch, nothing stored.
// A form posted after the session ran out comes back filled in after logging in (drafts.ts); files
// must be chosen again.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dutchDay } from '../../../lib/dutch-day.js';
import { alert, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { takeDraft } from '../shared/drafts.js';
import { GraphRequestError } from '../shared/graph-client.js';
import { html } from '../shared/html.js';
import { isId } from '../shared/ids.js';
import type { PageSession } from '../shared/session.js';
import type { BureauTraject, RibApi } from './api.js';
import { klantnaam, trajectPath } from './overzicht.js';
import { ontvangstPath, sealReceipt, type Receipt } from './ontvangst.js';
import { cleanFields, problemFromApi, rapportageForm, summary, toRapportage, type Fields, type Problems } from './rapportage-formulier.js';
import { findTraject, notOurs, rapportagePath, readBlock, toestemmingPath, type RibRapportage } from './traject.js';
import { kanSchrijven, REFUSED } from './words.js';

/** A file as the multipart parser hands it over (plugin.ts). */
export interface Upload {
  filename: string;
  data: Buffer;
  truncated: boolean;
}

const DRAFT_NOTICE = 'U was uitgelogd. Wat u had ingevuld staat er nog. Kies de bijlagen opnieuw, kijk alles na en klik nog een keer op de knop.';

const isUpload = (v: unknown): v is Upload => Boolean(v && typeof v === 'object' && Buffer.isBuffer((v as Upload).data));
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Files the browser actually chose (an empty file input still sends an empty part). */
function uploadsOf(body: unknown): Upload[] {
  return asList((body as { bijlagen?: unknown } | undefined)?.bijlagen).filter(isUpload).filter((u) => u.data.length > 0 || u.truncated);
}

/** Files the API already holds for this form: `id|name` pairs from hidden fields. */
function ontvangenOf(body: unknown): { id: string; naam: string }[] {
  return asList((body as { ontvangen?: unknown } | undefined)?.ontvangen)
    .filter((v): v is string => typeof v === 'string')
    .map((v) => ({ id: v.slice(0, v.indexOf('|')), naam: v.slice(v.indexOf('|') + 1, 200) }))
    .filter((b) => isId(b.id))
    .slice(0, 20);
}

const KEY = /^[A-Za-z0-9-]{8,64}$/;

/** The form's fields taken from a report (a correction starts from the report it corrects). */
function fieldsFrom(r: RibRapportage): Fields {
  const f: Fields = { soort: r.soort, van: r.periode.van, tot: r.periode.tot, corrigeert: r.rapportageId };
  r.doelen.forEach((d, i) => Object.assign(f, { [`doel${i + 1}Soort`]: d.soort, [`doel${i + 1}Omschrijving`]: d.omschrijving, [`doel${i + 1}Voortgang`]: d.voortgang, [`doel${i + 1}Toelichting`]: d.toelichting ?? '' }));
  r.activiteiten.forEach((a, i) => Object.assign(f, { [`act${i + 1}Datum`]: a.datum, [`act${i + 1}Omschrijving`]: a.omschrijving, [`act${i + 1}Uren`]: a.uren != null ? String(a.uren).replace('.', ',') : '' }));
  const a = r.aanwezigheid;
  Object.assign(f, { gepland: String(a.gepland), aanwezig: String(a.aanwezig), afwezigMetBericht: String(a.afwezigMetBericht), afwezigZonderBericht: String(a.afwezigZonderBericht), aanwezigToelichting: a.toelichting ?? '' });
  if (r.resultaat) f.resultaat = r.resultaat;
  if (r.advies) f.advies = r.advies;
  return f;
}

export async function ribRapportageRoutes(app: FastifyInstance, pages: Pages, api: RibApi) {
  type Req = FastifyRequest<{ Params: { id: string }; Querystring: { corrigeert?: string } }>;

  function page(request: Req, reply: FastifyReply, t: BureauTraject, f: Fields, p: Problems, opts: { refused?: string; draft?: boolean; ontvangen?: { id: string; naam: string }[]; status?: number } = {}) {
    const correcting = Boolean(f.corrigeert);
    return pages.send(request, reply, {
      title: correcting ? 'Rapportage verbeteren' : 'Rapportage schrijven',
      current: '/rib',
      status: opts.status ?? (Object.keys(p).length ? 400 : 200),
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${trajectPath(t.trajectId)}">Terug naar het traject</a></p>
        ${heading(1, `${correcting ? 'Rapportage verbeteren' : 'Rapportage schrijven'} voor ${klantnaam(t)}`)}
        ${opts.refused ? alert('error', html`<strong>${opts.refused}</strong>`) : ''}
        ${opts.draft ? alert('info', DRAFT_NOTICE) : ''}
        ${summary(p)}
        ${paragraph(correcting
          ? 'U verbetert een rapportage die al is verstuurd. Die blijft bewaard; deze wordt de nieuwe versie ervan.'
          : `Voor het traject ${t.titel}. Na het versturen kunnen de klantmanager van de gemeente en de klant de rapportage lezen.`)}
        ${rapportageForm({ action: rapportagePath(t.trajectId), csrf: pages.csrf(reply), startdatum: t.startdatum, einddatum: t.einddatum, ontvangen: opts.ontvangen ?? [], back: trajectPath(t.trajectId) }, f, p)}`,
    });
  }

  /** Without consent the page says so and offers to ask; a POST still goes to the API, which decides. */
  function noConsent(request: Req, reply: FastifyReply, t: BureauTraject) {
    return pages.send(request, reply, {
      title: 'Geen toestemming',
      current: '/rib',
      status: 403,
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${trajectPath(t.trajectId)}">Terug naar het traject</a></p>
        ${heading(1, 'Geen toestemming')}
        ${alert('warning', `U kunt nu geen rapportage schrijven over ${klantnaam(t)}: de klant heeft geen toestemming gegeven, of heeft die ingetrokken.`)}
        ${t.toestemming.stand !== 'gevraagd' ? linkButton(toestemmingPath(t.trajectId), 'Toestemming vragen', 'primary-action') : paragraph('U heeft toestemming gevraagd. De klant heeft nog niet geantwoord.')}`,
    });
  }

  app.get('/rib/trajecten/:id/rapportage', async (request: Req, reply) => {
    const session = pages.session(request);
    const { traject: t } = await findTraject(api, session, request.params.id);
    if (!t) return notOurs(pages, request, reply);
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, rapportagePath(t.trajectId), session.subject);
    if (draft) return page(request, reply, t, { ...cleanFields(draft), sleutel: KEY.test(draft.sleutel ?? '') ? draft.sleutel! : randomUUID() }, {}, { draft: true });
    if (!kanSchrijven(t.toestemming)) return noConsent(request, reply, t);
    let f: Fields = { soort: 'voortgangsrapportage', van: t.startdatum, tot: dutchDay(new Date()) };
    const corrigeert = request.query.corrigeert;
    if (typeof corrigeert === 'string' && isId(corrigeert)) {
      const { blok } = await readBlock(api, session, t.trajectId);
      const r = blok?.rapportages.find((x) => x.rapportageId === corrigeert && x.actueel);
      if (r) f = fieldsFrom(r);
    }
    return page(request, reply, t, { ...f, sleutel: randomUUID() }, {});
  });

  /** Each chosen PDF into the block; its key is the form's key and the file's digest, so a resend stores it once. */
  async function upload(session: PageSession, trajectId: string, token: string | undefined, sleutel: string, files: Upload[]) {
    const done: { id: string; naam: string; sha256: string }[] = [];
    for (const file of files) {
      if (file.truncated) return { problem: `${file.filename || 'Een bestand'} is groter dan 10 MB.` };
      const digest = createHash('sha256').update(file.data).digest('hex');
      const naam = String(file.filename ?? '').replace(/[/\\\0-\x1f]/g, '_').slice(-200) || 'bijlage.pdf';
      const answer = await api.rest<{ bijlageId: string; sha256: string }>(session, {
        method: 'POST',
        url: `/rib/v1/trajecten/${trajectId}/bijlagen?bestandsnaam=${encodeURIComponent(naam)}`,
        consentToken: token,
        idempotencyKey: `${sleutel}:${digest.slice(0, 32)}`,
        contentType: 'application/pdf',
        payload: file.data,
      });
      if (!answer.ok) {
        if (answer.code === 'UNSUPPORTED_MEDIA_TYPE') return { problem: `${naam} is geen PDF-bestand.` };
        if (answer.code === 'PAYLOAD_TOO_LARGE') return { problem: `${naam} is groter dan 10 MB.` };
        return { refused: answer.code };
      }
      done.push({ id: answer.body.bijlageId, naam, sha256: answer.body.sha256 });
    }
    return { done };
  }

  app.post('/rib/trajecten/:id/rapportage', async (request: Req, reply) => {
    const session = pages.session(request);
    const { traject: t } = await findTraject(api, session, request.params.id);
    if (!t) return notOurs(pages, request, reply);
    const f = cleanFields(request.body);
    if (!KEY.test(f.sleutel ?? '')) f.sleutel = randomUUID();
    const files = uploadsOf(request.body);
    let ontvangen = ontvangenOf(request.body);
    const parsed = toRapportage(f, []);
    if (!parsed.rapportage) return page(request, reply, t, f, parsed.problems, { ontvangen });
    const refused = (code: string, status = 403) => page(request, reply, t, f, {}, { refused: REFUSED[code] ?? 'Versturen is niet gelukt. Er is niets opgeslagen. Probeer het later opnieuw.', ontvangen, status });

    // The consent module issues the token only for a consent it still holds active; the API decides the rest.
    const consent = await api.consentToken(session, t.trajectId);
    if (consent.refused) return refused(consent.refused);
    const sent = await upload(session, t.trajectId, consent.token, f.sleutel!, files);
    if ('refused' in sent && sent.refused) return refused(sent.refused);
    if ('problem' in sent && sent.problem) return page(request, reply, t, f, { bijlagen: sent.problem }, { ontvangen });
    const nieuw = 'done' in sent && sent.done ? sent.done : [];
    ontvangen = [...ontvangen, ...nieuw.filter((n) => !ontvangen.some((o) => o.id === n.id))];

    const answer = await api.rest<Receipt>(session, {
      method: 'POST',
      url: `/rib/v1/trajecten/${t.trajectId}/rapportages`,
      consentToken: consent.token,
      idempotencyKey: f.sleutel,
      contentType: 'application/json',
      payload: JSON.stringify({ ...parsed.rapportage, bijlagen: ontvangen.map((b) => b.id) }),
    });
    if (!answer.ok) {
      // Load and outages: the pages' own 503/429 page, which shows the form again with what was typed.
      if (answer.code === 'SERVICE_UNAVAILABLE' || answer.code === 'RATE_LIMITED') throw new GraphRequestError([{ code: answer.code, message: 'the RIB API refused for load' }]);
      if (answer.code === 'BAD_USER_INPUT') return page(request, reply, t, f, problemFromApi(answer.field, answer.detail), { ontvangen });
      return refused(answer.code, answer.status);
    }
    const sealed = sealReceipt(pages, session, answer.body, ontvangen.map((b) => ({ naam: b.naam, sha256: nieuw.find((n) => n.id === b.id)?.sha256 ?? '' })));
    return reply.redirect(`${ontvangstPath(t.trajectId)}?b=${encodeURIComponent(sealed)}`, 303);
  });
}
