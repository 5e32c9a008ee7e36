// Small pieces the pages share, each an NL Design System (Utrecht) component: alerts, a button in
// its own POST form (with the CSRF token), labelled fields, key-value lists and status badges.
import { html, type SafeHtml } from './html.js';

export type AlertKind = 'info' | 'ok' | 'warning' | 'error';

export function alert(kind: AlertKind, content: SafeHtml | string): SafeHtml {
  // Errors and warnings are announced by screen readers as soon as the page shows them.
  const role = kind === 'error' || kind === 'warning' ? 'alert' : 'status';
  return html`<div class="utrecht-alert utrecht-alert--${kind} kp-alert" role="${role}"><div class="utrecht-alert__content"><div class="utrecht-alert__message">${content}</div></div></div>`;
}

export function heading(level: 1 | 2 | 3 | 4 | 5, text: string | SafeHtml, id?: string): SafeHtml {
  // `level` is a number, so the tag name cannot carry markup.
  return html`<h${level} class="utrecht-heading-${level}"${id ? html` id="${id}"` : ''}>${text}</h${level}>`;
}

export const paragraph = (content: SafeHtml | string, extra = '') =>
  html`<p class="utrecht-paragraph${extra ? ` ${extra}` : ''}">${content}</p>`;

/** A button that POSTs to `action`; extra hidden fields travel with it. */
export function postButton(input: {
  action: string;
  label: string;
  csrf: string;
  kind?: 'primary-action' | 'secondary-action' | 'subtle';
  danger?: boolean;
  hidden?: Record<string, string>;
}): SafeHtml {
  const cls = `utrecht-button utrecht-button--${input.kind ?? 'primary-action'}${input.danger ? ' utrecht-button--danger' : ''}`;
  return html`<form method="post" action="${input.action}" class="kp-inline-form">
    <input type="hidden" name="_csrf" value="${input.csrf}">
    ${Object.entries(input.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
    <button type="submit" class="${cls}">${input.label}</button>
  </form>`;
}

export function linkButton(href: string, label: string, kind: 'primary-action' | 'secondary-action' = 'secondary-action'): SafeHtml {
  return html`<a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--${kind}" href="${href}">${label}</a>`;
}

export function textArea(input: { id: string; name: string; label: string; value?: string; description?: string; maxlength: number }): SafeHtml {
  const describedBy = input.description ? `${input.id}-uitleg` : undefined;
  return html`<div class="utrecht-form-field utrecht-form-field--textarea kp-field">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${input.id}">${input.label}</label></div>
    ${input.description ? html`<div class="utrecht-form-field-description" id="${describedBy}">${input.description}</div>` : ''}
    <div class="utrecht-form-field__input"><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="${input.id}" name="${input.name}" rows="4" maxlength="${input.maxlength}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>${input.value ?? ''}</textarea></div>
  </div>`;
}

/** Key-value pairs; rows with no value are left out rather than shown empty. */
export function dataList(rows: Array<[string, SafeHtml | string | null | undefined]>): SafeHtml {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return html`<dl class="utrecht-data-list utrecht-data-list--rows kp-data-list">${shown.map(
    ([k, v]) => html`<div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">${k}</dt><dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">${v}</dd></div>`,
  )}</dl>`;
}

export type BadgeKind = 'active' | 'inactive' | 'warning' | 'danger' | 'neutral' | 'success';

export function badge(kind: BadgeKind, text: string): SafeHtml {
  return html`<span class="utrecht-status-badge utrecht-status-badge--${kind} kp-badge">${text}</span>`;
}
