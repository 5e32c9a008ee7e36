-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('gemeente', 'uwv', 'cwi', 'rib');

-- CreateEnum
CREATE TYPE "TrajectStatus" AS ENUM ('active', 'ended');

-- CreateEnum
CREATE TYPE "BlokStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "RapportageSoort" AS ENUM ('voortgangsrapportage', 'eindrapportage');

-- CreateEnum
CREATE TYPE "ConsentRequestStatus" AS ENUM ('pending', 'approved', 'rejected', 'withdrawn', 'expired');

-- CreateEnum
CREATE TYPE "ConsentStatus" AS ENUM ('active', 'revoked', 'expired', 'ended');

-- CreateEnum
CREATE TYPE "SpanStatus" AS ENUM ('UNSET', 'OK', 'ERROR');

-- CreateTable
CREATE TABLE "organisation" (
    "oin" CHAR(20) NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organisation_pkey" PRIMARY KEY ("oin")
);

-- CreateTable
CREATE TABLE "traject" (
    "id" UUID NOT NULL,
    "gemeente_oin" CHAR(20) NOT NULL,
    "external_id" TEXT NOT NULL,
    "subject_bsn" CHAR(9) NOT NULL,
    "title" TEXT NOT NULL,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "status" "TrajectStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "ended_by" TEXT,

    CONSTRAINT "traject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rapportage_blok" (
    "id" UUID NOT NULL,
    "traject_id" UUID NOT NULL,
    "rib_oin" CHAR(20) NOT NULL,
    "status" "BlokStatus" NOT NULL DEFAULT 'open',
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "opened_by" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "closed_by" TEXT,

    CONSTRAINT "rapportage_blok_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rapportage" (
    "id" UUID NOT NULL,
    "blok_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "soort" "RapportageSoort" NOT NULL,
    "corrects_id" UUID,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "body" JSONB NOT NULL,
    "prev_hash" CHAR(64),
    "hash" CHAR(64) NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "consent_id" UUID NOT NULL,
    "author_subject" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rapportage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bijlage" (
    "id" UUID NOT NULL,
    "blok_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "content" BYTEA NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "consent_id" UUID NOT NULL,
    "author_subject" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bijlage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_request" (
    "id" UUID NOT NULL,
    "traject_id" UUID NOT NULL,
    "grantee_oin" CHAR(20) NOT NULL,
    "subject_bsn" CHAR(9) NOT NULL,
    "purpose" TEXT NOT NULL,
    "authorization_details" JSONB NOT NULL,
    "requested_until" TIMESTAMPTZ(3) NOT NULL,
    "status" "ConsentRequestStatus" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,

    CONSTRAINT "consent_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent" (
    "id" UUID NOT NULL,
    "request_id" UUID,
    "traject_id" UUID NOT NULL,
    "grantee_oin" CHAR(20) NOT NULL,
    "subject_bsn" CHAR(9) NOT NULL,
    "purpose" TEXT NOT NULL,
    "authorization_details" JSONB NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_until" TIMESTAMPTZ(3) NOT NULL,
    "status" "ConsentStatus" NOT NULL DEFAULT 'active',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,
    "revoked_reason" TEXT,

    CONSTRAINT "consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_event" (
    "id" BIGSERIAL NOT NULL,
    "consent_id" UUID,
    "request_id" UUID,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "actor_oin" CHAR(20),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" JSONB,

    CONSTRAINT "consent_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verwerking" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "verwerking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "besluit" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "besluit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signalering" (
    "id" UUID NOT NULL,
    "organisation_oin" CHAR(20) NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject_bsn" CHAR(9),
    "traject_id" UUID,
    "summary" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,

    CONSTRAINT "signalering_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signing_key" (
    "kid" TEXT NOT NULL,
    "use" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_jwk" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_key_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE INDEX "traject_subject_bsn_idx" ON "traject"("subject_bsn");

-- CreateIndex
CREATE UNIQUE INDEX "traject_gemeente_oin_external_id_key" ON "traject"("gemeente_oin", "external_id");

-- CreateIndex
CREATE INDEX "rapportage_blok_rib_oin_idx" ON "rapportage_blok"("rib_oin");

-- CreateIndex
CREATE UNIQUE INDEX "rapportage_blok_traject_id_rib_oin_key" ON "rapportage_blok"("traject_id", "rib_oin");

-- CreateIndex
CREATE UNIQUE INDEX "rapportage_blok_id_sequence_key" ON "rapportage"("blok_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "rapportage_blok_id_idempotency_key_key" ON "rapportage"("blok_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "bijlage_blok_id_idempotency_key_key" ON "bijlage"("blok_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "consent_request_subject_bsn_idx" ON "consent_request"("subject_bsn");

-- CreateIndex
CREATE INDEX "consent_request_grantee_oin_idx" ON "consent_request"("grantee_oin");

-- CreateIndex
CREATE UNIQUE INDEX "consent_request_id_key" ON "consent"("request_id");

-- CreateIndex
CREATE INDEX "consent_subject_bsn_idx" ON "consent"("subject_bsn");

-- CreateIndex
CREATE INDEX "consent_grantee_oin_traject_id_idx" ON "consent"("grantee_oin", "traject_id");

-- CreateIndex
CREATE INDEX "consent_event_consent_id_idx" ON "consent_event"("consent_id");

-- CreateIndex
CREATE INDEX "consent_event_request_id_idx" ON "consent_event"("request_id");

-- CreateIndex
CREATE INDEX "verwerking_subject_key_start_time_idx" ON "verwerking"("subject_key", "start_time");

-- CreateIndex
CREATE INDEX "verwerking_actor_oin_start_time_idx" ON "verwerking"("actor_oin", "start_time");

-- CreateIndex
CREATE UNIQUE INDEX "verwerking_trace_id_span_id_key" ON "verwerking"("trace_id", "span_id");

-- CreateIndex
CREATE INDEX "besluit_consent_id_idx" ON "besluit"("consent_id");

-- CreateIndex
CREATE INDEX "besluit_at_idx" ON "besluit"("at");

-- CreateIndex
CREATE UNIQUE INDEX "besluit_trace_id_span_id_key" ON "besluit"("trace_id", "span_id");

-- CreateIndex
CREATE UNIQUE INDEX "signalering_dedupe_key_key" ON "signalering"("dedupe_key");

-- CreateIndex
CREATE INDEX "signalering_organisation_oin_resolved_at_idx" ON "signalering"("organisation_oin", "resolved_at");

-- CreateIndex
CREATE INDEX "signing_key_use_created_at_idx" ON "signing_key"("use", "created_at");

-- AddForeignKey
ALTER TABLE "traject" ADD CONSTRAINT "traject_gemeente_oin_fkey" FOREIGN KEY ("gemeente_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rapportage_blok" ADD CONSTRAINT "rapportage_blok_traject_id_fkey" FOREIGN KEY ("traject_id") REFERENCES "traject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rapportage_blok" ADD CONSTRAINT "rapportage_blok_rib_oin_fkey" FOREIGN KEY ("rib_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rapportage" ADD CONSTRAINT "rapportage_blok_id_fkey" FOREIGN KEY ("blok_id") REFERENCES "rapportage_blok"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rapportage" ADD CONSTRAINT "rapportage_corrects_id_fkey" FOREIGN KEY ("corrects_id") REFERENCES "rapportage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rapportage" ADD CONSTRAINT "rapportage_consent_id_fkey" FOREIGN KEY ("consent_id") REFERENCES "consent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bijlage" ADD CONSTRAINT "bijlage_blok_id_fkey" FOREIGN KEY ("blok_id") REFERENCES "rapportage_blok"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_request" ADD CONSTRAINT "consent_request_traject_id_fkey" FOREIGN KEY ("traject_id") REFERENCES "traject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_request" ADD CONSTRAINT "consent_request_grantee_oin_fkey" FOREIGN KEY ("grantee_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "consent_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_traject_id_fkey" FOREIGN KEY ("traject_id") REFERENCES "traject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_grantee_oin_fkey" FOREIGN KEY ("grantee_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_event" ADD CONSTRAINT "consent_event_consent_id_fkey" FOREIGN KEY ("consent_id") REFERENCES "consent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_event" ADD CONSTRAINT "consent_event_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "consent_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signalering" ADD CONSTRAINT "signalering_organisation_oin_fkey" FOREIGN KEY ("organisation_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only guards (not expressible in schema.prisma). History must never change silently:
-- reports, attachments, consent history and both logs refuse UPDATE and DELETE.
CREATE FUNCTION ketenpoort_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER rapportage_append_only BEFORE UPDATE OR DELETE ON "rapportage"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER bijlage_append_only BEFORE UPDATE OR DELETE ON "bijlage"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON "consent_event"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER verwerking_append_only BEFORE UPDATE OR DELETE ON "verwerking"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER besluit_append_only BEFORE UPDATE OR DELETE ON "besluit"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
-- Consents and requests change state, but are never deleted.
CREATE TRIGGER consent_no_delete BEFORE DELETE ON "consent"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER consent_request_no_delete BEFORE DELETE ON "consent_request"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
