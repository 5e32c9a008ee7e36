// pino options shared by the gateway, adapters and sandboxes, so redaction holds from the first line.
import type { LoggerOptions } from 'pino';
import { redactPaths, scrubLine } from './redaction.js';

export function loggerOptions(level: string, name = 'ketenpoort'): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    hooks: { streamWrite: scrubLine },
    serializers: {
      // Only what an operator needs; query strings can hold personal data, so they are dropped.
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
}
