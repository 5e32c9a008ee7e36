-- CreateTable
CREATE TABLE "keten_hoofd" (
    "blok_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "rapportage_id" UUID NOT NULL,
    "head_hash" CHAR(64) NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "keten_hoofd_pkey" PRIMARY KEY ("blok_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "consent_request_one_pending" ON "consent_request"("traject_id", "grantee_oin") WHERE ("status" = 'pending');

-- A chain head only moves forward (one report at a time) and is never removed: moving it back or
-- deleting it is what someone hiding removed reports would do.
CREATE FUNCTION ketenpoort_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.blok_id <> OLD.blok_id OR NEW.sequence <= OLD.sequence THEN
    RAISE EXCEPTION 'table % only moves forward: % refused', TG_TABLE_NAME, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER keten_hoofd_forward BEFORE UPDATE OR DELETE ON "keten_hoofd"
  FOR EACH ROW EXECUTE FUNCTION ketenpoort_chain_head_forward();
