// pino options shared by the gateway, adapters and sandboxes, so redaction holds from the first line.
import { LogController } from 'fastify';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import { redactPaths, scrubLine } from './redaction.js';

type SonicBoom = ReturnType<typeof pino.destination>;
let stdout: SonicBoom | undefined;

/**
 * One buffered stdout for every logger of this process (the gateway runs several fastify
 * instances in one process; one buffer keeps their lines whole and in order). Lines are written
 * in chunks of up to 4 KiB, at the latest every 250 ms, and at exit: writing each line with its own
 * system call (pino's default) was a tenth of the gateway's CPU under load. These are operational
 * logs; the processing and decision logs are in the database and never buffered.
 */
export function logStream(): DestinationStream {
  if (!stdout) {
    const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => stream.flush(), 250).unref();
    process.on('exit', () => {
      try {
        stream.flushSync();
      } catch {
        // Nothing more can be done for a log line at exit.
      }
    });
    stdout = stream;
  }
  return stdout;
}

/** `stream`: where the lines go instead of stdout (tests read what a request logged). */
export function loggerOptions(level: string, name = 'ketenpoort', stream: DestinationStream = logStream()): LoggerOptions & { stream: DestinationStream } {
  return {
    name,
    level,
    stream,
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

/**
 * One line per request, when it completes (method, path, status, time), instead of fastify's two
 * (incoming and completed): the same facts for half the lines. `enabled: false` logs none (for
 * services in the gateway's own process, whose requests the gateway's line already covers).
 */
export function requestLog(enabled = true): LogController {
  return new OneLinePerRequest({ disableRequestLogging: !enabled });
}

class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: Parameters<LogController['requestCompleted']>[1], reply: Parameters<LogController['requestCompleted']>[2]) {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
