-- The channels report groups LeadFunnel by the lead's source and campaign: both are copied here
-- (the campaign when sourceDetails.campaign is a JSON string, as given) and kept by the triggers
-- on Lead. test/analytics/lead-funnel.int.test.ts checks them after an insert, a bulk insert, an
-- update and the backfill.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "campaign" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "source" TEXT;

-- Backfill, before the indexes that cover the new columns are built.
UPDATE "LeadFunnel" SET
  "source" = (SELECT l."source" FROM "Lead" l WHERE l."id" = "LeadFunnel"."leadId"),
  "campaign" = (SELECT CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text'
    THEN json_extract(l."sourceDetails", '$.campaign') END FROM "Lead" l WHERE l."id" = "LeadFunnel"."leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign");

DROP TRIGGER "LeadFunnel_lead_insert";
CREATE TRIGGER "LeadFunnel_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign") VALUES (NEW."id", NEW."tenant", NEW."createdAt", NEW."source",
    CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END);
END;

DROP TRIGGER "LeadFunnel_lead_update";
CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt", "source", "sourceDetails" ON "Lead" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."createdAt" IS NOT NEW."createdAt"
    OR OLD."source" IS NOT NEW."source" OR OLD."sourceDetails" IS NOT NEW."sourceDetails" BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt", "source" = NEW."source",
    "campaign" = CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END
  WHERE "leadId" = NEW."id";
END;
