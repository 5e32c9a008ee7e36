// The three statements of a batch of report uploads (gateway/rapportage/append-batch.ts), in one
// transaction, whatever the number of uploads in it:
// 1. LOCK_BLOCKS locks the RIBs' blocks of the uploads (FOR UPDATE OF b: writes to one block queue,
//    so sequence numbers and prevHash never race, while other blocks go on in parallel) with each
//    block's rule. Sorted by id, so two batches (from two instances) lock in the same order and
//    cannot deadlock.
// 2. READ_FOR_APPEND reads all each upload needs: an earlier report under the same Idempotency-Key,
//    the chain's last link and its signed head record (keten_hoofd), the corrected report and the
//    attachments. A statement of its own, after the lock: in READ COMMITTED each statement sees
//    what committed before it began, so the last link is the one the previous holder of the lock
//    wrote (read in the locking statement itself, it would be from before the wait).
// 3. APPEND stores the reports, moves each block's signed chain head to its newest report, and
//    writes the klantmanager's signals, the clients' processing-log rows and the "report arrived"
//    notifications (PostgreSQL delivers a NOTIFY only if, and when, it commits).
// Rows travel as one JSON parameter per statement: one round trip for any number of uploads.
import { insertProcessingSql } from '../logs/log-statements.js';
import { RAPPORTAGE_CHANNEL } from './events.js';

export const LOCK_BLOCKS = `
  SELECT b.id, b.traject_id, b.rib_oin, b.status::text AS status, t.status::text AS traject_status, t.gemeente_oin, t.subject_bsn,
         to_char(t.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(t.ends_on, 'YYYY-MM-DD') AS ends_on, o.name AS rib_name
    FROM rapportage_blok b JOIN traject t ON t.id = b.traject_id JOIN organisation o ON o.oin = b.rib_oin
   WHERE (b.traject_id, b.rib_oin) IN (SELECT w.traject_id, w.rib_oin FROM json_to_recordset($1::json) AS w(traject_id uuid, rib_oin text))
   ORDER BY b.id
     FOR UPDATE OF b`;

export interface LockedBlock {
  id: string;
  traject_id: string;
  rib_oin: string;
  status: string;
  traject_status: string;
  gemeente_oin: string;
  subject_bsn: string;
  starts_on: string;
  ends_on: string;
  rib_name: string;
}

/**
 * One row per upload, `i` its place in the batch. Every lookup is by key, so the statement's cost
 * does not grow with the tables. `corrects_found` is a scalar subquery on the primary key, not an
 * EXISTS: PostgreSQL planned that EXISTS as a hashed subplan over the whole `rapportage` table
 * (it guesses 100 rows from json_to_recordset), a sequential scan on every batch that took 5 ms at
 * 3,600 reports and grows with every report ever stored (EXPLAIN ANALYZE inside a bench run).
 */
export const READ_FOR_APPEND = `
  SELECT j.i,
         (SELECT row_to_json(e) FROM (
            SELECT id, blok_id, sequence, soort::text AS soort, corrects_id, idempotency_key, hash, prev_hash,
                   request_hash, created_at
              FROM rapportage WHERE blok_id = j.blok_id AND idempotency_key = j.idempotency_key) e) AS earlier,
         (SELECT row_to_json(l) FROM (
            SELECT sequence, hash FROM rapportage WHERE blok_id = j.blok_id ORDER BY sequence DESC LIMIT 1) l) AS last,
         (SELECT row_to_json(h) FROM (
            SELECT sequence, head_hash AS hash FROM keten_hoofd WHERE blok_id = j.blok_id) h) AS head,
         coalesce((SELECT true FROM rapportage c WHERE c.id = j.corrigeert AND c.blok_id = j.blok_id), false) AS corrects_found,
         (SELECT coalesce(json_agg(json_build_object('id', a.id, 'sha256', a.sha256, 'fileName', a.file_name, 'size', a.size)), '[]')
            FROM bijlage a WHERE a.blok_id = j.blok_id AND a.id = ANY(j.bijlagen)) AS bijlagen
    FROM json_to_recordset($1::json) AS j(i int, blok_id uuid, idempotency_key text, corrigeert uuid, bijlagen uuid[])`;

export interface ReadForAppend {
  i: number;
  earlier: StoredJson | null;
  last: { sequence: number; hash: string } | null;
  /** The block's chain-head record; it must name exactly `last`. */
  head: { sequence: number; hash: string } | null;
  corrects_found: boolean;
  bijlagen: { id: string; sha256: string; fileName: string; size: number }[];
}

/** A stored report as row_to_json gives it. */
export interface StoredJson {
  id: string;
  blok_id: string;
  sequence: number;
  soort: string;
  corrects_id: string | null;
  idempotency_key: string;
  hash: string;
  prev_hash: string | null;
  request_hash: string;
  created_at: string;
}

/** A report row with its signal and notification, as APPEND's first parameter holds them. */
export interface AppendRow {
  id: string;
  blok_id: string;
  sequence: number;
  soort: string;
  corrects_id: string | null;
  period_start: string;
  period_end: string;
  body: unknown;
  prev_hash: string | null;
  hash: string;
  idempotency_key: string;
  request_hash: string;
  consent_id: string;
  author_subject: string;
  created_at: Date;
  signal_id: string;
  signal_organisation_oin: string;
  signal_dedupe_key: string;
  signal_kind: string;
  signal_subject_bsn: string;
  signal_traject_id: string;
  signal_summary: string;
  event: string;
}

/** A block's new chain head, as APPEND's second parameter holds them (one per block). */
export interface HeadRow {
  blok_id: string;
  sequence: number;
  rapportage_id: string;
  head_hash: string;
  signed_at: Date;
  signature: string;
}

export const APPEND = `
  WITH j AS (
    SELECT * FROM json_to_recordset($1::json) AS j(id uuid, blok_id uuid, sequence int, soort text, corrects_id uuid,
      period_start date, period_end date, body jsonb, prev_hash text, hash text, idempotency_key text, request_hash text,
      consent_id uuid, author_subject text, created_at timestamptz, signal_id uuid, signal_organisation_oin text,
      signal_dedupe_key text, signal_kind text, signal_subject_bsn text, signal_traject_id uuid, signal_summary text, event text)),
  r AS (
    INSERT INTO rapportage (id, blok_id, sequence, soort, corrects_id, period_start, period_end, body, prev_hash, hash,
                            idempotency_key, request_hash, consent_id, author_subject, created_at)
    SELECT id, blok_id, sequence, soort::"RapportageSoort", corrects_id, period_start, period_end, body, prev_hash, hash,
           idempotency_key, request_hash, consent_id, author_subject, created_at
      FROM j
    RETURNING id),
  s AS (
    INSERT INTO signalering (id, organisation_oin, dedupe_key, kind, subject_bsn, traject_id, summary)
    SELECT signal_id, signal_organisation_oin, signal_dedupe_key, signal_kind, signal_subject_bsn, signal_traject_id, signal_summary FROM j
    ON CONFLICT (dedupe_key) DO NOTHING),
  h AS (
    INSERT INTO keten_hoofd (blok_id, sequence, rapportage_id, head_hash, signed_at, signature)
    SELECT blok_id, sequence, rapportage_id, head_hash, signed_at, signature
      FROM json_to_recordset($2::json) AS k(blok_id uuid, sequence int, rapportage_id uuid, head_hash text, signed_at timestamptz, signature text)
    ON CONFLICT (blok_id) DO UPDATE SET sequence = EXCLUDED.sequence, rapportage_id = EXCLUDED.rapportage_id,
      head_hash = EXCLUDED.head_hash, signed_at = EXCLUDED.signed_at, signature = EXCLUDED.signature
    RETURNING 1),
  v AS (${insertProcessingSql(3)}),
  n AS (SELECT pg_notify('${RAPPORTAGE_CHANNEL}', event) FROM j)
  SELECT (SELECT count(*) FROM r)::int AS stored, (SELECT count(*) FROM h)::int AS anchored, (SELECT count(*) FROM n)::int AS announced`;
