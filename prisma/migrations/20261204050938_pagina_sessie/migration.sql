-- CreateTable
CREATE TABLE "pagina_sessie" (
    "id_hash" CHAR(64) NOT NULL,
    "subject" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "organisation_oin" CHAR(20),
    "sealed" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "pagina_sessie_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "pagina_sessie_expires_at_idx" ON "pagina_sessie"("expires_at");

-- CreateIndex
CREATE INDEX "pagina_sessie_subject_idx" ON "pagina_sessie"("subject");
