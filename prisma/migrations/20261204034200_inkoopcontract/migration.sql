-- CreateTable
CREATE TABLE "inkoopcontract" (
    "gemeente_oin" CHAR(20) NOT NULL,
    "rib_oin" CHAR(20) NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_until" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inkoopcontract_pkey" PRIMARY KEY ("gemeente_oin","rib_oin")
);

-- AddForeignKey
ALTER TABLE "inkoopcontract" ADD CONSTRAINT "inkoopcontract_gemeente_oin_fkey" FOREIGN KEY ("gemeente_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inkoopcontract" ADD CONSTRAINT "inkoopcontract_rib_oin_fkey" FOREIGN KEY ("rib_oin") REFERENCES "organisation"("oin") ON DELETE RESTRICT ON UPDATE CASCADE;
