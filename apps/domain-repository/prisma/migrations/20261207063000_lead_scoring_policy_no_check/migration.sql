-- The threshold's range stays the API's rule (0-100, refused before anything is written): a CHECK
-- constraint in this schema makes the offline schema engine of `npm run db:create-migration` fail
-- on the constraint's catalog row, so none is kept here.
ALTER TABLE "domain_repository"."lead_scoring_policies" DROP CONSTRAINT "lead_scoring_policies_threshold";
