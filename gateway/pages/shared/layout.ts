// The page shell every page shares: lang="nl", a skip link, one h1 per page, the NL Design System
// (Utrecht) styles, a header that says who is logged in with a log-out button, and a footer.
import { html, type SafeHtml } from './html.js';
import type { PageSession } from './session.js';

export interface NavItem {
  href: string;
  label: string;
}

export interface PageInput {
  title: string;
  body: SafeHtml;
  session?: PageSession;
  /** The path of the current page, to mark its menu item. */
  current?: string;
  csrf?: string;
  /** The logged-in person's part of the pages: its name in the header and its menu. */
  area?: { section: string; nav: NavItem[] };
}

function nav(items: NavItem[], current: string | undefined): SafeHtml {
  if (items.length === 0) return html``;
  return html`<nav class="kp-nav" aria-label="Hoofdmenu"><ul class="kp-nav__list">${items.map(
    (i) =>
      html`<li><a class="utrecht-link kp-nav__link" href="${i.href}"${i.href === current ? html` aria-current="page"` : ''}>${i.label}</a></li>`,
  )}</ul></nav>`;
}

function who(session: PageSession | undefined, csrf: string | undefined): SafeHtml {
  if (!session || !csrf) return html``;
  return html`<div class="kp-who">
    <span>Ingelogd als <strong>${session.name || 'onbekend'}</strong></span>
    <form method="post" action="/uitloggen" class="kp-inline-form">
      <input type="hidden" name="_csrf" value="${csrf}">
      <button type="submit" class="utrecht-button utrecht-button--subtle kp-button-small">Uitloggen</button>
    </form>
  </div>`;
}

export function layout({ title, body, session, current, csrf, area }: PageInput): string {
  const section = area?.section ?? '';
  return html`<!doctype html>
<html lang="nl" class="utrecht-theme">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Ketenpoort</title>
<link rel="stylesheet" href="/assets/utrecht/theme.css">
<link rel="stylesheet" href="/assets/utrecht/index.css">
<link rel="stylesheet" href="/assets/ketenpoort.css">
</head>
<body class="utrecht-document utrecht-page-body kp-body">
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">Ga direct naar de inhoud</a>
<header class="utrecht-page-header kp-header">
  <div class="kp-wrap kp-header__row">
    <p class="kp-brand"><a class="kp-brand__link" href="/">Ketenpoort</a> ${section ? html`<span class="kp-brand__section">${section}</span>` : ''}</p>
    ${who(session, csrf)}
  </div>
  <div class="kp-wrap">${nav(area?.nav ?? [], current)}</div>
</header>
<main id="inhoud" class="utrecht-page-content kp-wrap kp-main" tabindex="-1">
${body}
</main>
<footer class="utrecht-page-footer kp-footer">
  <div class="kp-wrap">
    <p class="utrecht-paragraph">Ketenpoort verbindt UWV, de gemeente en re-integratiebureaus. U bepaalt zelf wie uw gegevens mag gebruiken.</p>
  </div>
</footer>
</body>
</html>`.value;
}
