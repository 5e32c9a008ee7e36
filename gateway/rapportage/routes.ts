// REST for RIB systems (system-to-system upload), beside the GraphQL mutation:
//   POST /rib/v1/trajecten/{trajectId}/rapportages   JSON report      → 201 receipt (200 on a replay)
//   GET  /rib/v1/trajecten/{trajectId}/rapportages   the RIB's own block
//   POST /rib/v1/trajecten/{trajectId}/bijlagen      application/pdf  → 201 attachment receipt
//   GET  /rib/v1/trajecten/{trajectId}/bijlagen/{bijlageId}   a PDF of the RIB's own block
//   GET  /bijlagen/{bijlageId}   a PDF named in a report: the client, the klantmanager (and their pages)
// Headers: Authorization (the RIB's bearer token), Consent-Token, Idempotency-Key on writes.
// Errors are problem+json from the app's error handler.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KetenError } from '../errors.js';
import { traceFromHeader } from '../logs/trace.js';
import { openAttachment } from './attachment-download.js';
import { MAX_PDF_BYTES, parseFileName } from './attachments.js';
import { sendPdf } from './pdf-answer.js';
import { getBijlageSchema, getBlockSchema, getOwnBijlageSchema, postBijlageSchema, postRapportageSchema } from './route-schemas.js';
import { openOwnBijlage, readOwnBlock, submitBijlage, submitRapportage } from './submit.js';
import { MAX_BODY_BYTES } from './validation.js';

interface TrajectParams {
  Params: { trajectId: string };
}

const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
};

async function ribCall(app: FastifyInstance, request: FastifyRequest<TrajectParams>) {
  const caller = await app.authenticate(request);
  return { caller, consentToken: header(request, 'consent-token'), trajectId: request.params.trajectId.toLowerCase() };
}

export async function rapportageRoutes(app: FastifyInstance) {
  app.post<TrajectParams>(
    '/rib/v1/trajecten/:trajectId/rapportages',
    // The JSON parser stops reading past this; validation then measures the canonical body.
    { ...postRapportageSchema, bodyLimit: 2 * MAX_BODY_BYTES },
    async (request, reply) => {
      const call = await ribCall(app, request);
      const trace = traceFromHeader(request.headers.traceparent);
      const { receipt, replayed } = await submitRapportage(app.services, trace, { ...call, idempotencyKey: header(request, 'idempotency-key'), rapportage: request.body });
      reply.header('cache-control', 'no-store');
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(receipt);
    },
  );

  app.get<TrajectParams>('/rib/v1/trajecten/:trajectId/rapportages', getBlockSchema, async (request, reply) => {
    const call = await ribCall(app, request);
    const block = await readOwnBlock(app.services, traceFromHeader(request.headers.traceparent), call);
    reply.header('cache-control', 'no-store');
    return block;
  });

  app.get<{ Params: { trajectId: string; bijlageId: string } }>('/rib/v1/trajecten/:trajectId/bijlagen/:bijlageId', getOwnBijlageSchema, async (request, reply) => {
    const call = await ribCall(app, request);
    const file = await openOwnBijlage(app.services, traceFromHeader(request.headers.traceparent), request.log, { ...call, bijlageId: request.params.bijlageId });
    return sendPdf(reply, file);
  });

  app.get<{ Params: { bijlageId: string } }>('/bijlagen/:bijlageId', getBijlageSchema, async (request, reply) => {
    const caller = await app.authenticate(request);
    const file = await openAttachment(app.services, traceFromHeader(request.headers.traceparent), request.log, caller, request.params.bijlageId);
    return sendPdf(reply, file);
  });

  // PDFs: their own scope, so only this route accepts application/pdf. Fastify streams the body and
  // stops at MAX_PDF_BYTES with a 413, so an oversized upload never sits whole in memory.
  await app.register(async (pdf) => {
    pdf.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (_request, body, done) => done(null, body));
    pdf.post<TrajectParams & { Querystring: { bestandsnaam?: string } }>(
      '/rib/v1/trajecten/:trajectId/bijlagen',
      { ...postBijlageSchema, bodyLimit: MAX_PDF_BYTES },
      async (request, reply) => {
        const call = await ribCall(app, request);
        if (!Buffer.isBuffer(request.body)) throw new KetenError('UNSUPPORTED_MEDIA_TYPE', 'bijlage: send the PDF itself with Content-Type: application/pdf');
        const { receipt, replayed } = await submitBijlage(app.services, traceFromHeader(request.headers.traceparent), {
          ...call,
          idempotencyKey: header(request, 'idempotency-key'),
          fileName: parseFileName(request.query.bestandsnaam),
          content: request.body,
        });
        reply.header('cache-control', 'no-store');
        if (replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(replayed ? 200 : 201).send(receipt);
      },
    );
  });
}
