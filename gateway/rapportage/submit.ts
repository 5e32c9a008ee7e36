// The RIB's operations as one ordered chain, shared by the GraphQL mutation and the REST routes:
// consent check (gateway/consent/enforce.ts, which logs its decision) → input validation → the
// store, which re-checks the block inside its transaction. Consent comes before validation so an
// unauthorised caller learns nothing about the trajectory (not even its period).
import type { Caller } from '../auth/caller.js';
import { authorizeRibAction } from '../consent/enforce.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import type { FastifyBaseLogger } from 'fastify';
import { openOwnAttachment } from './attachment-download.js';
import { storeBijlage } from './attachments.js';
import { ribBlock } from './reads.js';
import { appendRapportage } from './store.js';
import { parseIdempotencyKey, parseRapportage } from './validation.js';

export interface RibCall {
  caller: Caller;
  consentToken: string | undefined;
  trajectId: string;
}

const permitFor = (services: ChainServices, trace: TraceContext, call: RibCall) =>
  authorizeRibAction(services, trace, { caller: call.caller, consentToken: call.consentToken, action: 'rapportage:schrijven', trajectId: call.trajectId });

export async function submitRapportage(services: ChainServices, trace: TraceContext, call: RibCall & { idempotencyKey: unknown; rapportage: unknown }) {
  const permit = await permitFor(services, trace, call);
  const idempotencyKey = parseIdempotencyKey(call.idempotencyKey);
  const input = parseRapportage(call.rapportage);
  return appendRapportage(services, trace, permit, call.caller, { trajectId: permit.trajectId, idempotencyKey, input });
}

export async function submitBijlage(services: ChainServices, trace: TraceContext, call: RibCall & { idempotencyKey: unknown; fileName: string; content: Buffer }) {
  const permit = await permitFor(services, trace, call);
  const idempotencyKey = parseIdempotencyKey(call.idempotencyKey);
  return storeBijlage(services, trace, permit, call.caller, { trajectId: permit.trajectId, idempotencyKey, fileName: call.fileName, content: call.content });
}

/** Reading its own block needs the same consent: the block is what the client's consent grants. */
export async function readOwnBlock(services: ChainServices, trace: TraceContext, call: RibCall) {
  const permit = await permitFor(services, trace, call);
  return ribBlock(services, trace, permit, call.caller, permit.trajectId);
}

/** Opening a file of its own block: the same consent as reading the block. */
export async function openOwnBijlage(services: ChainServices, trace: TraceContext, log: Pick<FastifyBaseLogger, 'error'>, call: RibCall & { bijlageId: string }) {
  const permit = await permitFor(services, trace, call);
  return openOwnAttachment(services, trace, log, permit, call.caller, permit.trajectId, call.bijlageId);
}
