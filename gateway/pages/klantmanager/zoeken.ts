// Search the caseload by BSN, name or postcode. The form posts (with its CSRF token) so a BSN
// never lands in a URL, browser history or a proxy log; the answer is rendered directly. Wrong
// input is named next to its field and in a summary at the top, as the NL Design System asks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isValidBsn } from '../../../lib/bsn.js';
import { alert, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { takeDraft } from '../shared/drafts.js';
import { partnerDown } from '../shared/graph-client.js';
import { html, type SafeHtml } from '../shared/html.js';
import { SIGNAL_FIELDS, klantTable, type Signalering } from './caseload-view.js';
import { partnerNotice, unavailablePartners } from '../shared/partners.js';

type Fields = { bsn: string; naam: string; postcode: string };
type Problems = Partial<Record<keyof Fields, string>>;

const PATH = '/klantmanager/zoeken';

function field(name: keyof Fields, label: string, hint: string, value: string, problem: string | undefined, extra: SafeHtml | string = ''): SafeHtml {
  const describedBy = [`${name}-uitleg`, problem ? `${name}-fout` : ''].filter(Boolean).join(' ');
  return html`<div class="utrecht-form-field utrecht-form-field--text kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${name}">${label}</label></div>
    <div class="utrecht-form-field-description" id="${name}-uitleg">${hint}</div>
    ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="${name}-fout">${problem}</div>` : ''}
    <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input${problem ? ' utrecht-textbox--invalid' : ''}" type="text" id="${name}" name="${name}" value="${value}" aria-describedby="${describedBy}"${problem ? html` aria-invalid="true"` : ''} ${extra}></div>
  </div>`;
}

function form(csrf: string, f: Fields, problems: Problems): SafeHtml {
  return html`<form method="post" action="${PATH}" class="kp-form kp-search" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    ${field('bsn', 'BSN', 'Negen cijfers.', f.bsn, problems.bsn, html`inputmode="numeric" maxlength="11" autocomplete="off"`)}
    ${field('naam', 'Naam', 'Achternaam of een deel ervan.', f.naam, problems.naam, html`maxlength="100" autocomplete="off"`)}
    ${field('postcode', 'Postcode', 'Bijvoorbeeld 1102 AB.', f.postcode, problems.postcode, html`maxlength="7" autocomplete="off"`)}
    <button type="submit" class="utrecht-button utrecht-button--primary-action">Zoeken</button>
  </form>`;
}

function clean(body: unknown): Fields {
  const b = (body ?? {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim().slice(0, 100) : '');
  return { bsn: s('bsn').replace(/[\s.]/g, ''), naam: s('naam'), postcode: s('postcode').replace(/\s/g, '').toUpperCase() };
}

function check(f: Fields): Problems {
  const p: Problems = {};
  if (f.bsn && !isValidBsn(f.bsn)) {
    // Nine digits that fail the elfproef are most often a typing error: say that, not "nine digits".
    p.bsn = /^\d{9}$/.test(f.bsn)
      ? 'Dit is geen geldig BSN. Het nummer heeft negen cijfers, maar klopt niet volgens de elfproef. Kijk na of u het goed hebt overgenomen.'
      : 'Dit is geen geldig BSN. Een BSN heeft negen cijfers.';
  }
  if (f.naam && f.naam.length < 2) p.naam = 'Vul minstens twee letters in.';
  if (f.postcode && !/^\d{4}[A-Z]{2}$/.test(f.postcode)) p.postcode = 'Een postcode is vier cijfers en twee letters, bijvoorbeeld 1102 AB.';
  return p;
}

export async function klantmanagerZoekRoutes(app: FastifyInstance, pages: Pages) {
  const render = (request: FastifyRequest, reply: FastifyReply, f: Fields, problems: Problems, results?: SafeHtml) => {
    const list = Object.entries(problems);
    return pages.send(request, reply, {
      title: 'Klant zoeken',
      current: PATH,
      status: list.length ? 400 : 200,
      body: html`${heading(1, 'Klant zoeken')}
        ${list.length ? alert('error', html`<p class="utrecht-paragraph"><strong>Kijk dit na:</strong></p><ul class="utrecht-unordered-list">${list.map(([k, v]) => html`<li><a class="utrecht-link" href="#${k}">${v}</a></li>`)}</ul>`) : ''}
        ${paragraph('Zoek in uw caseload. Vul één of meer velden in.')}
        ${form(pages.csrf(reply), f, problems)}
        ${results ?? ''}`,
    });
  };

  app.get(PATH, async (request, reply) => {
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, PATH, pages.session(request).subject);
    return render(request, reply, clean(draft), {});
  });

  app.post(PATH, async (request, reply) => {
    const f = clean(request.body);
    const problems = check(f);
    if (!f.bsn && !f.naam && !f.postcode) problems.naam = 'Vul een BSN, een naam of een postcode in.';
    if (Object.keys(problems).length) return render(request, reply, f, problems);
    const session = pages.session(request);
    const [found, signals] = await Promise.all([
      pages
        .graph<{ zoekKlanten: Parameters<typeof klantTable>[1] }>(
          session,
          `query Zoek($bsn: String, $naam: String, $postcode: String) {
            zoekKlanten(bsn: $bsn, naam: $naam, postcode: $postcode) { bsn naam { volledigeNaam } adres { straat huisnummer postcode woonplaats } telefoon } }`,
          { bsn: f.bsn || undefined, naam: f.naam || undefined, postcode: f.postcode || undefined },
        )
        .catch(partnerDown),
      pages.graph<{ signaleringen: Signalering[] }>(session, `query Signalen { signaleringen(alleenOpen: true) { ${SIGNAL_FIELDS} } }`),
    ]);
    const klanten = found.data?.zoekKlanten ?? [];
    const down = unavailablePartners(found.errors);
    const results = html`<section aria-labelledby="resultaat" class="kp-results">
      ${heading(2, klanten.length === 1 ? '1 klant gevonden' : `${klanten.length} klanten gevonden`, 'resultaat')}
      ${partnerNotice(down, 'klantmanager')}
      ${klanten.length
        ? klantTable(pages, klanten, signals.data?.signaleringen ?? [], 'Gevonden klanten')
        : down.length ? '' : paragraph('Geen klant in uw caseload past bij wat u zocht.')}
    </section>`;
    return render(request, reply, f, {}, results);
  });
}
