-- A consent's validity is a Dutch calendar day ("tot en met 19 december"), kept as a DATE. The
-- instants it replaces were of two kinds: a bare date sent in was stored as the end of that day
-- in UTC (23:59:59.999Z, an hour or two into the next Dutch day), so it keeps its UTC date; any
-- other instant keeps the Dutch day it fell on.
ALTER TABLE "consent" ADD COLUMN "valid_through" DATE;
UPDATE "consent" SET "valid_through" = CASE
    WHEN ("valid_until" AT TIME ZONE 'UTC')::time = '23:59:59.999' THEN ("valid_until" AT TIME ZONE 'UTC')::date
    ELSE ("valid_until" AT TIME ZONE 'Europe/Amsterdam')::date END;
ALTER TABLE "consent" ALTER COLUMN "valid_through" SET NOT NULL;
ALTER TABLE "consent" DROP COLUMN "valid_until";

ALTER TABLE "consent_request" ADD COLUMN "requested_through" DATE;
UPDATE "consent_request" SET "requested_through" = CASE
    WHEN ("requested_until" AT TIME ZONE 'UTC')::time = '23:59:59.999' THEN ("requested_until" AT TIME ZONE 'UTC')::date
    ELSE ("requested_until" AT TIME ZONE 'Europe/Amsterdam')::date END;
ALTER TABLE "consent_request" ALTER COLUMN "requested_through" SET NOT NULL;
ALTER TABLE "consent_request" DROP COLUMN "requested_until";
