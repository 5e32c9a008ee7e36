// The OpenAPI contract of the RIB's REST routes (routes.ts), as fastify route schemas that
// @fastify/swagger turns into /openapi.json. The request body's schema is made from the zod schema
// that checks it (validation.ts), so the document and the check cannot drift apart; answers are
// serialized with these schemas, so a field the contract lacks never leaves.
import { z } from 'zod';
import { ALWAYS, BEARER, documentedOnly, json, problems } from '../openapi/problem.js';
import { MAX_PDF_BYTES } from './attachments.js';
import { MAX_BODY_BYTES, rapportageInput, SOORTEN } from './validation.js';

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] });

/** The report as sent (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
const input = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(rapportageInput, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return schema as { properties: Record<string, unknown> } & Record<string, unknown>;
})();

/** The signed chain head (chain-head.ts): in every receipt, and the block's current one in its listing. */
const chainHead = {
  type: 'object',
  description: 'the newest report of the block and its hash, signed by the gateway; keep it: `ketenpoort verify-chain --receipts` detects a history cut short behind it',
  required: ['blokId', 'volgnummer', 'rapportageId', 'hash', 'vastgelegdOp', 'handtekening'],
  properties: {
    blokId: uuid,
    volgnummer: { type: 'integer', minimum: 1, description: 'sequence number of the newest report in the block' },
    rapportageId: uuid,
    hash: { type: 'string', description: 'chain hash of that report (hex)' },
    vastgelegdOp: dateTime,
    handtekening: { type: 'string', description: 'compact JWS (HS256) by the gateway over the fields above' },
  },
  additionalProperties: false,
} as const;

/** A stored report's place in its block and chain. */
const reportFields = {
  required: ['rapportageId', 'trajectId', 'blokId', 'volgnummer', 'soort', 'corrigeert', 'idempotencyKey', 'hash', 'vorigeHash', 'ontvangenOp'],
  properties: {
    rapportageId: uuid,
    trajectId: { type: 'string' },
    blokId: uuid,
    volgnummer: { type: 'integer', minimum: 1, description: 'place of this report in its block' },
    soort: { type: 'string', enum: [...SOORTEN] },
    corrigeert: { ...nullable('string'), description: 'the report this one corrects' },
    idempotencyKey: { type: 'string' },
    hash: { type: 'string', description: 'SHA-256 over the report and the hash before it (hex)' },
    vorigeHash: { ...nullable('string'), description: 'hash of the report before it in the block' },
    ontvangenOp: dateTime,
  },
} as const;

const receipt = {
  type: 'object',
  required: [...reportFields.required, 'ketenhoofd'],
  properties: { ...reportFields.properties, ketenhoofd: { ...chainHead, description: 'the block\'s chain head this report made' } },
  additionalProperties: false,
} as const;

const attachmentReceipt = {
  type: 'object',
  required: ['bijlageId', 'trajectId', 'blokId', 'bestandsnaam', 'contentType', 'grootte', 'sha256', 'idempotencyKey', 'ontvangenOp'],
  properties: {
    bijlageId: uuid,
    trajectId: { type: 'string' },
    blokId: uuid,
    bestandsnaam: { type: 'string' },
    contentType: { type: 'string', const: 'application/pdf' },
    grootte: { type: 'integer', description: 'bytes' },
    sha256: { type: 'string' },
    idempotencyKey: { type: 'string' },
    ontvangenOp: dateTime,
  },
  additionalProperties: false,
} as const;

const report = {
  type: 'object',
  required: [...reportFields.required, 'id', 'origineel', 'versie', 'actueel', 'periode', 'doelen', 'activiteiten', 'aanwezigheid', 'resultaat', 'advies', 'bijlagen'],
  properties: {
    ...reportFields.properties,
    id: uuid,
    origineel: { ...uuid, description: 'the first version of this report' },
    versie: { type: 'integer', minimum: 1 },
    actueel: { type: 'boolean', description: 'false once a later correction replaced it' },
    periode: input.properties.periode,
    doelen: input.properties.doelen,
    activiteiten: input.properties.activiteiten,
    aanwezigheid: { anyOf: [input.properties.aanwezigheid, { type: 'null' }] },
    resultaat: nullable('string'),
    advies: nullable('string'),
    // What the report names, as stored with it (store.ts): the file's id, digest, name and size.
    bijlagen: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'sha256', 'bestandsnaam', 'grootte'],
        properties: { id: uuid, sha256: { type: 'string' }, bestandsnaam: { type: 'string' }, grootte: { type: 'integer', minimum: 0 } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

const block = {
  type: 'object',
  required: ['blokId', 'trajectId', 'status', 'ketenhoofd', 'rapportages', 'bijlagen'],
  properties: {
    blokId: uuid,
    trajectId: { type: 'string' },
    status: { type: 'string', enum: ['open', 'gesloten'] },
    ketenhoofd: { anyOf: [chainHead, { type: 'null' }], description: 'the block\'s current chain head (null before its first report)' },
    rapportages: { type: 'array', items: report },
    bijlagen: { type: 'array', items: attachmentReceipt },
  },
  additionalProperties: false,
} as const;

const params = {
  type: 'object',
  required: ['trajectId'],
  properties: { trajectId: { type: 'string', description: 'the trajectory (from the assignment the RIB received)' } },
} as const;

const ribHeaders = (write: boolean) => ({
  type: 'object',
  required: ['authorization', 'consent-token', ...(write ? ['idempotency-key'] : [])],
  properties: {
    authorization: { type: 'string', description: "`Bearer <the RIB's access token>`" },
    'consent-token': { type: 'string', description: 'the consent token of the client (GET /toestemmingen/{id}/token)' },
    ...(write ? { 'idempotency-key': { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$', description: 'a key per upload; sending it again replays the first answer' } } : {}),
    traceparent: { type: 'string', description: 'W3C trace context; the trace id appears in the processing and decision logs' },
  },
});

const REFUSED = ['UNAUTHENTICATED', 'FORBIDDEN', 'CONSENT_REQUIRED', 'CONSENT_REVOKED', 'CONSENT_EXPIRED', 'NOT_FOUND'] as const;
const replayHeader = { 'Idempotent-Replayed': { type: 'string', const: 'true', description: 'this answer replays an earlier upload with the same key' } };
const withReplay = (r: ReturnType<typeof json>) => ({ ...r, headers: { ...r.headers, ...replayHeader } });
const TAGS = ['rapportages'];

export const postRapportageSchema = {
  schema: {
    tags: TAGS,
    operationId: 'postRapportage',
    security: BEARER,
    summary: 'Deliver a report into the RIB\'s block of a trajectory',
    description: `Needs an active consent of the client. At most ${MAX_BODY_BYTES} bytes of report. A correction names the report it corrects in \`corrigeert\`.`,
    params,
    headers: ribHeaders(true),
    body: input,
    response: {
      201: json('stored; keep the receipt', receipt),
      200: withReplay(json('the same upload again: the first receipt', receipt)),
      ...problems('BAD_USER_INPUT', ...REFUSED, 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', ...ALWAYS),
    },
  },
  validatorCompiler: documentedOnly,
};

export const getBlockSchema = {
  schema: {
    tags: TAGS,
    operationId: 'getRapportageblok',
    security: BEARER,
    summary: "The RIB's own block of a trajectory: its reports (every version) and attachments",
    params,
    headers: ribHeaders(false),
    response: { 200: json('the block', block), ...problems('BAD_USER_INPUT', ...REFUSED, ...ALWAYS) },
  },
  validatorCompiler: documentedOnly,
};

export const postBijlageSchema = {
  schema: {
    tags: TAGS,
    operationId: 'postBijlage',
    security: BEARER,
    summary: 'Upload a PDF into the block, to be named by a later report',
    description: `The PDF itself as the body, at most ${MAX_PDF_BYTES} bytes.`,
    params,
    headers: ribHeaders(true),
    querystring: { type: 'object', properties: { bestandsnaam: { type: 'string', maxLength: 200, description: 'file name, no path (default bijlage.pdf)' } } },
    body: { content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } } },
    response: {
      201: json('stored; keep the receipt', attachmentReceipt),
      200: withReplay(json('the same upload again: the first receipt', attachmentReceipt)),
      ...problems('BAD_USER_INPUT', ...REFUSED, 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', ...ALWAYS),
    },
  },
  validatorCompiler: documentedOnly,
};

/** A PDF answer (pdf-answer.ts): the file itself, as a download. */
const pdfAnswer = {
  description: 'the PDF, checked against its stored SHA-256 before it was sent',
  headers: {
    ...json('', {}).headers,
    'Content-Disposition': { type: 'string', description: '`attachment; filename="<ASCII name>"; filename*=UTF-8\'\'<the name, percent-encoded>`' },
    'Repr-Digest': { type: 'string', description: 'the SHA-256 of the file (RFC 9530), as in the attachment receipt' },
    'X-Content-Type-Options': { type: 'string', const: 'nosniff' },
  },
  content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
};

const bijlageId = { type: 'string', description: 'the attachment (bijlageId of its receipt, id in a report\'s bijlagen)' } as const;

export const getOwnBijlageSchema = {
  schema: {
    tags: TAGS,
    operationId: 'getEigenBijlage',
    security: BEARER,
    summary: 'A PDF from the RIB\'s own block of a trajectory',
    description: 'Needs the same consent as reading the block. Every opening is in the client\'s processing log.',
    params: { ...params, required: ['trajectId', 'bijlageId'], properties: { ...params.properties, bijlageId } },
    headers: ribHeaders(false),
    response: { 200: pdfAnswer, ...problems('BAD_USER_INPUT', ...REFUSED, 'INTEGRITY_FAILED', ...ALWAYS) },
  },
  validatorCompiler: documentedOnly,
};

export const getBijlageSchema = {
  schema: {
    tags: TAGS,
    operationId: 'getBijlage',
    security: BEARER,
    summary: 'A PDF named in a report, for the client it is about or the klantmanager of their gemeente',
    description: 'The client: files of reports about them. The klantmanager: files of reports on trajectories of their own gemeente, while the client is on the caseload. Every opening is in the client\'s processing log.',
    params: { type: 'object', required: ['bijlageId'], properties: { bijlageId } },
    headers: { type: 'object', required: ['authorization'], properties: { authorization: { type: 'string', description: '`Bearer <access token>` of the client or klantmanager' }, traceparent: ribHeaders(false).properties.traceparent } },
    response: { 200: pdfAnswer, ...problems('UNAUTHENTICATED', 'FORBIDDEN', 'INTEGRITY_FAILED', ...ALWAYS) },
  },
  validatorCompiler: documentedOnly,
};
