-- The channels report groups LeadFunnel by the lead's source and campaign: both are copied here
-- (the campaign when sourceDetails.campaign is a JSON string, as given) and kept by the triggers
-- on Lead. test/analytics/lead-funnel.int.test.ts checks them after an insert, a bulk insert, an
-- update and the backfill.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "campaign" TEXT,
ADD COLUMN     "source" TEXT;

-- Backfill, before the indexes that cover the new columns are built.
UPDATE "LeadFunnel" f SET "source" = l."source",
  "campaign" = CASE WHEN jsonb_typeof(l."sourceDetails" -> 'campaign') = 'string' THEN l."sourceDetails" ->> 'campaign' END
FROM "Lead" l WHERE l."id" = f."leadId";

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign");

-- Prisma's PostgreSQL driver adapter runs a migration split at every semicolon (executeScript),
-- so each function body below is an E'' string whose semicolons are written \x3B, and no comment
-- here holds a semicolon.
CREATE OR REPLACE FUNCTION "leadflow_lead_funnel_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign")
  SELECT n."id", n."tenant", n."createdAt", n."source",
    CASE WHEN jsonb_typeof(n."sourceDetails" -> ''campaign'') = ''string'' THEN n."sourceDetails" ->> ''campaign'' END
  FROM new_leads n\x3B
  RETURN NULL\x3B
END ';

CREATE OR REPLACE FUNCTION "leadflow_lead_funnel_lead_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt", "source" = NEW."source",
    "campaign" = CASE WHEN jsonb_typeof(NEW."sourceDetails" -> ''campaign'') = ''string'' THEN NEW."sourceDetails" ->> ''campaign'' END
  WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

DROP TRIGGER "LeadFunnel_lead_update" ON "Lead";
CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt", "source", "sourceDetails" ON "Lead"
  FOR EACH ROW WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"
    OR OLD."source" IS DISTINCT FROM NEW."source" OR OLD."sourceDetails" IS DISTINCT FROM NEW."sourceDetails")
  EXECUTE FUNCTION "leadflow_lead_funnel_lead_moved"();
