-- The processing log (verwerking) and the decision log (besluit) partitioned by month (RANGE on
-- start_time and at, months in UTC), so that old months can be dropped whole when their retention
-- term has passed (gateway/logs/partitions.ts) and no index grows for years. Written by hand:
-- schema.prisma cannot express partitioning; it declares the same columns, keys and indexes.
--
-- A partitioned table's primary key and unique indexes must contain the partition key, so the
-- primary keys become (id, <time>) and the idempotency key (trace_id, span_id) becomes
-- (trace_id, span_id, <time>). id still comes from the same sequence, so it stays unique.
--
-- Existing rows are kept: old table renamed, partitioned table created with a partition for every
-- month that holds rows up to three months ahead plus a DEFAULT partition, rows copied, old dropped.

-- Creates (if missing) the partition of `parent` for the month holding `month`, e.g.
-- verwerking_2026_12, and returns its name. Used by this migration and by the gateway's upkeep.
-- The transaction-scoped advisory lock makes two gateways creating the same month at once safe
-- (IF NOT EXISTS alone can still collide on the catalog's unique index).
CREATE FUNCTION ketenpoort_log_partition(parent text, month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  part_name text := format('%s_%s', parent, to_char(first_day, 'YYYY_MM'));
BEGIN
  IF parent NOT IN ('verwerking', 'besluit') THEN
    RAISE EXCEPTION 'not a partitioned log: %', parent;
  END IF;
  PERFORM pg_advisory_xact_lock(1263551568);
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
    part_name, parent, first_day::timestamp AT TIME ZONE 'UTC', (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  RETURN part_name;
END;
$$;

-- verwerking --------------------------------------------------------------------------------------
ALTER TABLE "verwerking" RENAME TO "verwerking_unpartitioned";
ALTER TABLE "verwerking_unpartitioned" DROP CONSTRAINT "verwerking_pkey";
DROP INDEX "verwerking_trace_id_span_id_key";
DROP INDEX "verwerking_subject_key_start_time_idx";
DROP INDEX "verwerking_actor_oin_start_time_idx";
DROP INDEX "verwerking_actor_oin_actor_subject_start_time_idx";
ALTER SEQUENCE "verwerking_id_seq" OWNED BY NONE;

CREATE TABLE "verwerking" (
    "id" BIGINT NOT NULL DEFAULT nextval('verwerking_id_seq'),
    "trace_id" CHAR(32) NOT NULL,
    "span_id" CHAR(16) NOT NULL,
    "parent_span_id" CHAR(16),
    "name" TEXT NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3) NOT NULL,
    "status_code" "SpanStatus" NOT NULL DEFAULT 'UNSET',
    "foreign_trace_id" CHAR(32),
    "foreign_span_id" CHAR(16),
    "foreign_entity" TEXT,
    "processing_activity_id" TEXT NOT NULL,
    "subject_encrypted" TEXT NOT NULL,
    "subject_key" CHAR(64) NOT NULL,
    "subject_id_type" TEXT NOT NULL DEFAULT 'BSN',
    "actor_oin" CHAR(20) NOT NULL,
    "actor_subject" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "partners" TEXT[],
    "fields" TEXT[],

    CONSTRAINT "verwerking_pkey" PRIMARY KEY ("id", "start_time")
) PARTITION BY RANGE ("start_time");
ALTER SEQUENCE "verwerking_id_seq" OWNED BY "verwerking"."id";

CREATE UNIQUE INDEX "verwerking_trace_id_span_id_start_time_key" ON "verwerking"("trace_id", "span_id", "start_time");
CREATE INDEX "verwerking_subject_key_start_time_idx" ON "verwerking"("subject_key", "start_time");
CREATE INDEX "verwerking_actor_oin_start_time_idx" ON "verwerking"("actor_oin", "start_time");
CREATE INDEX "verwerking_actor_oin_actor_subject_start_time_idx" ON "verwerking"("actor_oin", "actor_subject", "start_time");

-- Row triggers on a partitioned table are cloned to every partition, also those created later.
CREATE TRIGGER verwerking_append_only BEFORE UPDATE OR DELETE ON "verwerking"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();

-- besluit -----------------------------------------------------------------------------------------
ALTER TABLE "besluit" RENAME TO "besluit_unpartitioned";
ALTER TABLE "besluit_unpartitioned" DROP CONSTRAINT "besluit_pkey";
DROP INDEX "besluit_trace_id_span_id_key";
DROP INDEX "besluit_consent_id_idx";
DROP INDEX "besluit_at_idx";
DROP INDEX "besluit_actor_oin_decision_at_idx";
DROP INDEX "besluit_resource_at_idx";
ALTER SEQUENCE "besluit_id_seq" OWNED BY NONE;

CREATE TABLE "besluit" (
    "id" BIGINT NOT NULL DEFAULT nextval('besluit_id_seq'),
    "trace_id" CHAR(32) NOT NULL,
    "span_id" CHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decision" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "actor_oin" CHAR(20),
    "actor_subject" TEXT,
    "actor_role" TEXT,
    "consent_id" UUID,
    "consent_version" INTEGER,
    "information" JSONB NOT NULL,

    CONSTRAINT "besluit_pkey" PRIMARY KEY ("id", "at")
) PARTITION BY RANGE ("at");
ALTER SEQUENCE "besluit_id_seq" OWNED BY "besluit"."id";

CREATE UNIQUE INDEX "besluit_trace_id_span_id_at_key" ON "besluit"("trace_id", "span_id", "at");
CREATE INDEX "besluit_consent_id_idx" ON "besluit"("consent_id");
CREATE INDEX "besluit_at_idx" ON "besluit"("at");
CREATE INDEX "besluit_actor_oin_decision_at_idx" ON "besluit"("actor_oin", "decision", "at");
CREATE INDEX "besluit_resource_at_idx" ON "besluit"("resource", "at");

CREATE TRIGGER besluit_append_only BEFORE UPDATE OR DELETE ON "besluit"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();

-- Partitions: every month that holds rows, through three months ahead, and a DEFAULT partition
-- for any time outside them (a log write is fail-closed: a missing month must not refuse a
-- request). See README "Log partitions and retention".
DO $$
DECLARE
  parent text;
  oldest timestamptz;
  newest timestamptz;
  m date;
BEGIN
  FOREACH parent IN ARRAY ARRAY['verwerking', 'besluit'] LOOP
    IF parent = 'verwerking' THEN
      SELECT min(start_time), max(start_time) INTO oldest, newest FROM verwerking_unpartitioned;
    ELSE
      SELECT min(at), max(at) INTO oldest, newest FROM besluit_unpartitioned;
    END IF;
    FOR m IN SELECT generate_series(
        date_trunc('month', least(coalesce(oldest, now()), now()) AT TIME ZONE 'UTC'),
        date_trunc('month', greatest(coalesce(newest, now()), now() + interval '3 months') AT TIME ZONE 'UTC'),
        interval '1 month')::date
    LOOP
      PERFORM ketenpoort_log_partition(parent, m);
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', parent || '_default', parent);
  END LOOP;
END;
$$;

INSERT INTO "verwerking" ("id", "trace_id", "span_id", "parent_span_id", "name", "start_time", "end_time", "status_code",
    "foreign_trace_id", "foreign_span_id", "foreign_entity", "processing_activity_id", "subject_encrypted", "subject_key",
    "subject_id_type", "actor_oin", "actor_subject", "actor_role", "operation", "partners", "fields")
  SELECT "id", "trace_id", "span_id", "parent_span_id", "name", "start_time", "end_time", "status_code",
    "foreign_trace_id", "foreign_span_id", "foreign_entity", "processing_activity_id", "subject_encrypted", "subject_key",
    "subject_id_type", "actor_oin", "actor_subject", "actor_role", "operation", "partners", "fields"
  FROM "verwerking_unpartitioned";
DROP TABLE "verwerking_unpartitioned";

INSERT INTO "besluit" ("id", "trace_id", "span_id", "at", "decision", "reason", "action", "resource", "policy_id",
    "policy_version", "actor_oin", "actor_subject", "actor_role", "consent_id", "consent_version", "information")
  SELECT "id", "trace_id", "span_id", "at", "decision", "reason", "action", "resource", "policy_id",
    "policy_version", "actor_oin", "actor_subject", "actor_role", "consent_id", "consent_version", "information"
  FROM "besluit_unpartitioned";
DROP TABLE "besluit_unpartitioned";
