// Operational logs must never carry BSNs, tokens or report bodies. Two layers, because one of them
// will eventually be bypassed by someone logging an error message or a URL:
// 1. known fields are removed by path (pino's redact);
// 2. every string value in every line is scrubbed for BSN-shaped numbers and JWT-shaped tokens.
import { isValidBsn } from './bsn.js';

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["consent-token"]',
  'req.headers["x-consent-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  '*.authorization',
  '*.token',
  '*.consentToken',
  '*.accessToken',
  '*.password',
  '*.bsn',
  '*.subjectBsn',
  '*.body',
  '*.variables',
  'body',
  'variables',
];

const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;
const NINE_DIGITS = /(?<!\d)\d{9}(?!\d)/g;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Scrubs one serialized log line (pino's streamWrite hook). Numbers outside strings are left alone. */
export function scrubLine(line: string): string {
  return line.replace(JSON_STRING, (s) =>
    s.replace(JWT, '[TOKEN]').replace(NINE_DIGITS, (d) => (isValidBsn(d) ? '[BSN]' : d)),
  );
}
