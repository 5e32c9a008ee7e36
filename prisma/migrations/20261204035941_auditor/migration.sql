-- CreateTable
CREATE TABLE "controle" (
    "id" BIGSERIAL NOT NULL,
    "trace_id" CHAR(32) NOT NULL,
    "organisation_oin" CHAR(20) NOT NULL,
    "auditor_subject" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "target" TEXT,
    "period_from" TIMESTAMPTZ(3) NOT NULL,
    "period_until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "controle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signaal_opvolging" (
    "id" BIGSERIAL NOT NULL,
    "organisation_oin" CHAR(20) NOT NULL,
    "signaal_id" TEXT NOT NULL,
    "signaal_dag" DATE NOT NULL,
    "status" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "auditor_subject" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signaal_opvolging_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "controle_organisation_oin_at_idx" ON "controle"("organisation_oin", "at");

-- CreateIndex
CREATE INDEX "signaal_opvolging_organisation_oin_signaal_dag_idx" ON "signaal_opvolging"("organisation_oin", "signaal_dag");

-- CreateIndex
CREATE INDEX "signaal_opvolging_organisation_oin_signaal_id_idx" ON "signaal_opvolging"("organisation_oin", "signaal_id");

-- CreateIndex
CREATE INDEX "besluit_actor_oin_decision_at_idx" ON "besluit"("actor_oin", "decision", "at");

-- CreateIndex
CREATE INDEX "besluit_resource_at_idx" ON "besluit"("resource", "at");

-- CreateIndex
CREATE INDEX "verwerking_actor_oin_actor_subject_start_time_idx" ON "verwerking"("actor_oin", "actor_subject", "start_time");

-- An auditor's lookups and follow-ups are evidence: never changed, never removed.
CREATE TRIGGER controle_append_only BEFORE UPDATE OR DELETE ON "controle"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
CREATE TRIGGER signaal_opvolging_append_only BEFORE UPDATE OR DELETE ON "signaal_opvolging"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_append_only();
