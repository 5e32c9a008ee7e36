// Report uploads written in batches: concurrent uploads share one transaction of three statements
// (append-sql.ts) and one commit, instead of five round trips and a commit each. At 20 concurrent
// uploads most of the gateway's time went to those round trips (bench/compare.ts --query upload
// --profile: 22 % in the driver's socket writes). As in the logs' group commit (logs/group-commit.ts),
// an idle appender sends at once; under load, uploads arriving while a batch is in flight go in
// the next one. Each upload's promise settles only after the commit that holds its report, so a
// receipt still means the report is durable.
//
// Every upload is checked on its own: a refused or invalid upload gets its own error and is left
// out of the write, while the others in the batch are stored. Should the write itself fail, each
// upload is tried again alone, so one upload's problem fails only that upload.
// Several uploads to one block in a batch are chained in their order of arrival.
import { randomUUID } from 'node:crypto';
import { metrics } from '../../lib/metrics.js';
import type { Caller } from '../auth/caller.js';
import type { Database, SqlClient } from '../db/database.js';
import { badInput, KetenError } from '../errors.js';
import type { ProcessingLog } from '../logs/processing-log.js';
import type { TraceContext } from '../logs/trace.js';
import { APPEND, LOCK_BLOCKS, READ_FOR_APPEND, type AppendRow, type HeadRow, type LockedBlock, type ReadForAppend, type StoredJson } from './append-sql.js';
import { hashRow } from './chain.js';
import { headOfReport, type ChainHeadSigner } from './chain-head.js';
import { eventOf } from './events.js';
import { replayOf } from './idempotency.js';
import { BlokDenial } from './policy.js';
import { newReportSignal } from './signals.js';
import { checkPeriod, type RapportageInput } from './validation.js';
import type { receiptOf } from './views.js';

/** One upload that passed the consent check (its RibPermit is the caller's: store.ts). */
export interface AppendJob {
  trace: TraceContext;
  caller: Caller;
  trajectId: string;
  ribOin: string;
  /** The client the trajectory is about: for the processing-log row, never for the RIB. */
  subjectBsn: string;
  consentId: string;
  idempotencyKey: string;
  requestHash: string;
  input: RapportageInput;
}

type StoredReport = Parameters<typeof receiptOf>[0];
export interface AppendOutcome {
  row: StoredReport & { requestHash: string };
  /** True when an earlier request with the same key and body was answered again. */
  replayed: boolean;
}

export interface ReportAppender {
  /** Resolves after the commit that stored the report (or with the earlier one, on a replay). */
  append(job: AppendJob): Promise<AppendOutcome>;
}

interface Pending {
  job: AppendJob;
  resolve(o: AppendOutcome): void;
  reject(err: unknown): void;
}

type Result = { ok: AppendOutcome } | { err: unknown };

export function createReportAppender(
  deps: { db: Pick<Database, 'transaction'>; chainHeads: ChainHeadSigner; processingLog: Pick<ProcessingLog, 'rows'> },
  options: { maxBatch?: number } = {},
): ReportAppender {
  // Bounded so one transaction does not hold many blocks' locks for long.
  const maxBatch = options.maxBatch ?? 50;
  // One batch at a time per instance. Two at once (they could not deadlock: blocks are locked in id
  // order) measured worse, 33–45 % of the raw insert rate against 50–53 %: smaller batches, more commits.
  let queue: Pending[] = [];
  let inFlight = false;

  async function run(batch: Pending[]) {
    let results: Result[];
    try {
      results = await deps.db.transaction((sql) => writeBatch(sql, deps, batch.map((p) => p.job)));
      metrics.uploadBatch(batch.length);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // Which upload broke the write? Each alone decides its own fate.
      await Promise.all(batch.map((p) => run([p])));
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if ('ok' in r) p.resolve(r.ok);
      else p.reject(r.err);
    });
  }

  function pump() {
    if (inFlight || queue.length === 0) return;
    inFlight = true;
    void (async () => {
      // Let the requests running in this turn of the event loop join first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await run(batch);
      }
    })().finally(() => {
      inFlight = false;
      pump();
    });
  }

  return {
    append(job) {
      return new Promise<AppendOutcome>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
  };
}

type OpenBlok = ReturnType<typeof openBlok>;

/** The block's own rule (open, this RIB's, trajectory active), for one upload (also an attachment's: store.ts). */
export function openBlok(r: LockedBlock | undefined) {
  if (!r) throw new BlokDenial('FORBIDDEN', 'no-blok', 'this trajectory has no rapportage block for your organisation');
  if (r.traject_status !== 'active') throw new BlokDenial('FORBIDDEN', 'traject-ended', 'the trajectory has ended; its block is closed');
  if (r.status !== 'open') throw new BlokDenial('FORBIDDEN', 'blok-closed', 'your block for this trajectory is closed');
  return {
    id: r.id,
    ribName: r.rib_name,
    gemeenteOin: r.gemeente_oin.trim(),
    subjectBsn: r.subject_bsn.trim(),
    startsOn: new Date(`${r.starts_on}T00:00:00Z`),
    endsOn: new Date(`${r.ends_on}T00:00:00Z`),
  };
}

/** A block's chain as this batch moves it: what the database held, then this batch's reports. */
interface ChainState {
  last: { sequence: number; hash: string } | null;
  written: Map<string, AppendOutcome['row']>; // by idempotency key
  ids: Set<string>;
  newest?: AppendOutcome['row'];
}

async function writeBatch(
  sql: SqlClient,
  deps: { chainHeads: ChainHeadSigner; processingLog: Pick<ProcessingLog, 'rows'> },
  jobs: AppendJob[],
): Promise<Result[]> {
  const results: Result[] = new Array(jobs.length);
  const locked = await sql.query<LockedBlock>(LOCK_BLOCKS, [JSON.stringify(jobs.map((j) => ({ traject_id: j.trajectId, rib_oin: j.ribOin })))], 'kp_append_lock');
  const byKey = new Map(locked.map((b) => [`${b.traject_id}|${b.rib_oin.trim()}`, b]));
  const blocks: (OpenBlok | undefined)[] = jobs.map((j, i) => {
    try {
      return openBlok(byKey.get(`${j.trajectId}|${j.ribOin}`));
    } catch (err) {
      results[i] = { err };
      return undefined;
    }
  });
  const open = jobs.map((j, i) => ({ j, i, blok: blocks[i] })).filter((x): x is { j: AppendJob; i: number; blok: OpenBlok } => x.blok !== undefined);
  const found = new Map(
    (open.length === 0 ? [] : await sql.query<ReadForAppend>(READ_FOR_APPEND, [JSON.stringify(open.map(({ j, i, blok }) => ({
      i, blok_id: blok.id, idempotency_key: j.idempotencyKey, corrigeert: j.input.corrigeert ?? null, bijlagen: j.input.bijlagen,
    })))], 'kp_append_read')).map((r) => [r.i, r]),
  );

  const chains = new Map<string, ChainState>();
  const rows: AppendRow[] = [];
  const processing: unknown[] = [];
  for (const { j, i, blok } of open) {
    const f = found.get(i)!;
    let chain = chains.get(blok.id);
    try {
      if (!chain) {
        checkAnchored(blok.id, f);
        chain = { last: f.last, written: new Map(), ids: new Set() };
        chains.set(blok.id, chain);
      }
      const earlier = replayOf(f.earlier ? storedOf(f.earlier) : chain.written.get(j.idempotencyKey), j.requestHash);
      if (earlier) {
        results[i] = { ok: { row: earlier, replayed: true } };
        continue;
      }
      const { row, append } = reportRow(j, blok, f, chain);
      rows.push(append);
      processing.push(...deps.processingLog.rows(j.trace, [
        { name: 'rapportage aangeleverd', activity: 'rapportageSchrijven', operation: 'write', subjectBsn: j.subjectBsn, caller: j.caller, partners: [], fields: ['rapportage'], startTime: row.createdAt },
      ]));
      chain.last = { sequence: row.sequence, hash: row.hash };
      chain.written.set(j.idempotencyKey, row);
      chain.ids.add(row.id);
      chain.newest = row;
      results[i] = { ok: { row, replayed: false } };
    } catch (err) {
      results[i] = { err };
    }
  }
  if (rows.length === 0) return results;

  // Each block's new chain head, signed here so it commits with the report it names.
  const heads: HeadRow[] = await Promise.all([...chains.entries()].filter(([, c]) => c.newest).map(async ([blokId, c]) => {
    const head = await deps.chainHeads.sign(headOfReport(c.newest!));
    return { blok_id: blokId, sequence: c.newest!.sequence, rapportage_id: c.newest!.id, head_hash: c.newest!.hash, signed_at: c.newest!.createdAt, signature: head.handtekening };
  }));
  const [written] = await sql.query<{ stored: number; anchored: number; announced: number }>(APPEND, [JSON.stringify(rows), JSON.stringify(heads), JSON.stringify(processing)], 'kp_append_write');
  // The statement either stores everything or fails; a short count would be a fault in it.
  if (written?.stored !== rows.length || written.anchored !== heads.length || written.announced !== rows.length) {
    throw new KetenError('INTERNAL', 'rapportage batch: the database stored a different number of rows than were sent');
  }
  return results;
}

/** The new report for one upload, linked to its block's chain as this batch left it. */
function reportRow(j: AppendJob, blok: OpenBlok, f: ReadForAppend, chain: ChainState) {
  const { input } = j;
  checkPeriod(input, blok);
  if (input.corrigeert && !f.corrects_found && !chain.ids.has(input.corrigeert)) {
    throw badInput('rapportage.corrigeert', 'there is no report with this id in your block');
  }
  const missing = input.bijlagen.find((id) => !f.bijlagen.some((b) => b.id === id));
  if (missing) throw badInput('rapportage.bijlagen', `there is no attachment ${missing} in your block`);
  const base = {
    id: randomUUID(),
    blokId: blok.id,
    sequence: (chain.last?.sequence ?? 0) + 1,
    soort: input.soort,
    correctsId: input.corrigeert ?? null,
    periodStart: new Date(`${input.periode.van}T00:00:00Z`),
    periodEnd: new Date(`${input.periode.tot}T00:00:00Z`),
    // Attachments are named with their SHA-256, so the chain covers their content too.
    body: JSON.parse(JSON.stringify({
      doelen: input.doelen,
      activiteiten: input.activiteiten,
      aanwezigheid: input.aanwezigheid,
      resultaat: input.resultaat,
      advies: input.advies,
      bijlagen: input.bijlagen.map((id) => {
        const b = f.bijlagen.find((x) => x.id === id)!;
        return { id: b.id, sha256: b.sha256.trim(), bestandsnaam: b.fileName, grootte: b.size };
      }),
    })) as unknown, // the JSON round trip drops `undefined` members exactly as the jsonb column will
    prevHash: chain.last?.hash.trim() ?? null,
    idempotencyKey: j.idempotencyKey,
    requestHash: j.requestHash,
    consentId: j.consentId,
    authorSubject: j.caller.subject,
    createdAt: new Date(),
  };
  const row = { ...base, hash: hashRow(base) };
  const signal = newReportSignal({
    rapportageId: row.id, gemeenteOin: blok.gemeenteOin, trajectId: j.trajectId, subjectBsn: blok.subjectBsn,
    soort: row.soort, ribName: blok.ribName, correction: Boolean(row.correctsId),
  });
  const append: AppendRow = {
    id: row.id, blok_id: row.blokId, sequence: row.sequence, soort: row.soort, corrects_id: row.correctsId,
    period_start: input.periode.van, period_end: input.periode.tot, body: row.body, prev_hash: row.prevHash, hash: row.hash,
    idempotency_key: row.idempotencyKey, request_hash: row.requestHash, consent_id: row.consentId, author_subject: row.authorSubject,
    created_at: row.createdAt, signal_id: randomUUID(), signal_organisation_oin: signal.organisationOin, signal_dedupe_key: signal.dedupeKey,
    signal_kind: signal.kind, signal_subject_bsn: signal.subjectBsn, signal_traject_id: signal.trajectId, signal_summary: signal.summary,
    event: JSON.stringify(eventOf(row, blok.gemeenteOin, j.ribOin, j.trajectId)),
  };
  return { row, append };
}

/**
 * The chain's last row must be the one the signed head record names. When it is not, reports were
 * removed or written past the gateway; appending would link the new report to a cut history and
 * move the head past the evidence, so the write is refused until someone runs verify-chain.
 * A block with no head and no rows is new.
 */
function checkAnchored(blokId: string, found: ReadForAppend): void {
  const { last, head } = found;
  if (!last && !head) return;
  if (last && head && last.sequence === head.sequence && last.hash.trim() === head.hash.trim()) return;
  throw new KetenError('INTERNAL', `rapportage block ${blokId}: its rows do not end at its signed chain head; writing refused (run ketenpoort verify-chain)`);
}

function storedOf(j: StoredJson): AppendOutcome['row'] {
  return {
    id: j.id,
    blokId: j.blok_id,
    sequence: j.sequence,
    soort: j.soort as StoredReport['soort'],
    correctsId: j.corrects_id,
    idempotencyKey: j.idempotency_key,
    hash: j.hash,
    prevHash: j.prev_hash,
    requestHash: j.request_hash,
    createdAt: new Date(j.created_at),
  };
}
