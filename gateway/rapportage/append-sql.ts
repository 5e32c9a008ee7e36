// The three statements of a report upload (gateway/rapportage/store.ts), in one transaction:
// 1. LOCK_BLOCK locks the RIB's block of the trajectory (FOR UPDATE OF b: writes to one block queue,
//    so sequence numbers and prevHash never race, while other blocks go on in parallel) with the
//    block's rule.
// 2. READ_FOR_APPEND reads all the write needs: an earlier report under the same Idempotency-Key,
//    the chain's last link and its signed head record (keten_hoofd), the corrected report and the
//    attachments. A statement of its own, after
//    the lock: in READ COMMITTED each statement sees what committed before it began, so the last
//    link is the one the previous holder of the lock wrote (read in the locking statement itself,
//    it would be from before the wait).
// 3. APPEND stores the report, moves the block's signed chain head to it, and writes the
//    klantmanager's signal, the client's processing-log row and the "report arrived" notification
//    (PostgreSQL delivers a NOTIFY only if, and when, it commits).
// Eight statements through Prisma before.
import { insertProcessingSql } from '../logs/processing-log.js';
import { RAPPORTAGE_CHANNEL } from './events.js';

export const LOCK_BLOCK = `
  SELECT b.id, b.status::text AS status, t.status::text AS traject_status, t.gemeente_oin, t.subject_bsn,
         to_char(t.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(t.ends_on, 'YYYY-MM-DD') AS ends_on, o.name AS rib_name
    FROM rapportage_blok b JOIN traject t ON t.id = b.traject_id JOIN organisation o ON o.oin = b.rib_oin
   WHERE b.traject_id = $1::uuid AND b.rib_oin = $2
     FOR UPDATE OF b`;

export interface LockedBlock {
  id: string;
  status: string;
  traject_status: string;
  gemeente_oin: string;
  subject_bsn: string;
  starts_on: string;
  ends_on: string;
  rib_name: string;
}

export const READ_FOR_APPEND = `
  SELECT (SELECT row_to_json(e) FROM (
            SELECT id, blok_id, sequence, soort::text AS soort, corrects_id, idempotency_key, hash, prev_hash,
                   request_hash, created_at
              FROM rapportage WHERE blok_id = $1::uuid AND idempotency_key = $2) e) AS earlier,
         (SELECT row_to_json(l) FROM (
            SELECT sequence, hash FROM rapportage WHERE blok_id = $1::uuid ORDER BY sequence DESC LIMIT 1) l) AS last,
         (SELECT row_to_json(h) FROM (
            SELECT sequence, head_hash AS hash FROM keten_hoofd WHERE blok_id = $1::uuid) h) AS head,
         EXISTS (SELECT 1 FROM rapportage c WHERE c.blok_id = $1::uuid AND c.id = $3::uuid) AS corrects_found,
         (SELECT coalesce(json_agg(json_build_object('id', a.id, 'sha256', a.sha256, 'fileName', a.file_name, 'size', a.size)), '[]')
            FROM bijlage a WHERE a.blok_id = $1::uuid AND a.id = ANY($4::uuid[])) AS bijlagen`;

export interface ReadForAppend {
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

export const APPEND = `
  WITH r AS (
    INSERT INTO rapportage (id, blok_id, sequence, soort, corrects_id, period_start, period_end, body, prev_hash, hash,
                            idempotency_key, request_hash, consent_id, author_subject, created_at)
    VALUES ($1::uuid, $2::uuid, $3, $4::"RapportageSoort", $5::uuid, $6::date, $7::date, $8::jsonb, $9, $10, $11, $12,
            $13::uuid, $14, $15::timestamptz)
    RETURNING id),
  s AS (
    INSERT INTO signalering (id, organisation_oin, dedupe_key, kind, subject_bsn, traject_id, summary)
    SELECT $16::uuid, $17, $18, $19, $20, $21::uuid, $22 FROM r
    ON CONFLICT (dedupe_key) DO NOTHING),
  h AS (
    INSERT INTO keten_hoofd (blok_id, sequence, rapportage_id, head_hash, signed_at, signature)
    SELECT $2::uuid, $3, $1::uuid, $10, $15::timestamptz, $25 FROM r
    ON CONFLICT (blok_id) DO UPDATE SET sequence = EXCLUDED.sequence, rapportage_id = EXCLUDED.rapportage_id,
      head_hash = EXCLUDED.head_hash, signed_at = EXCLUDED.signed_at, signature = EXCLUDED.signature
    RETURNING 1),
  v AS (${insertProcessingSql(23)}),
  n AS (SELECT pg_notify('${RAPPORTAGE_CHANNEL}', $24) FROM r)
  SELECT (SELECT count(*) FROM r)::int AS stored, (SELECT count(*) FROM h)::int AS anchored, (SELECT count(*) FROM n)::int AS announced`;
