// How a stored PDF leaves the gateway: as a download, never rendered in the gateway's own origin.
// `Content-Disposition: attachment` with two names (RFC 6266): `filename` in plain ASCII for old
// clients, with every character that could end or bend the header (quotes, backslashes, `;`,
// control and non-ASCII characters) replaced, and `filename*` (RFC 5987) with the name as the
// bureau gave it, percent-encoded UTF-8. The bytes are never sniffed into something else; the
// checked SHA-256 goes along (Repr-Digest, RFC 9530) so the receiver can check it too.
import type { FastifyReply } from 'fastify';
import type { OpenedAttachment } from './attachment-download.js';

const FALLBACK = 'bijlage.pdf';

/** A plain ASCII file name: accents dropped (é → e), anything else outside [A-Za-z0-9 ._()-] becomes `_`. */
export function asciiFileName(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 ._()-]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[\s.]+|\s+$/g, '')
    .slice(0, 150);
  if (!plain || /^[_\s.]*$/.test(plain.replace(/\.pdf$/i, ''))) return FALLBACK;
  return /\.pdf$/i.test(plain) ? plain : `${plain}.pdf`;
}

/** RFC 5987 ext-value: UTF-8, percent-encoded except attr-char. */
const extValue = (name: string) => `UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

export function contentDisposition(name: string): string {
  return `attachment; filename="${asciiFileName(name)}"; filename*=${extValue(name)}`;
}

export function sendPdf(reply: FastifyReply, file: OpenedAttachment): FastifyReply {
  return reply
    .header('content-disposition', contentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
    .type('application/pdf')
    .send(file.content);
}
