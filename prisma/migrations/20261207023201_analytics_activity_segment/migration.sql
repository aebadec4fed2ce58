-- The segment fields of each activity's lead on its row of the activity log (prisma/schema.prisma,
-- model ActivityLog, columns lead*), so that the activity report broken down by a field of the lead
-- (source, campaign, industry, size, region) reads no lead (docs/analytics.md, "The lead's fields on
-- the activity log"). The fields are as a breakdown reads them (groupColumnsOf,
-- src/usecases/analytics/lead-arrivals.ts): the source, the campaign, industry and region when each
-- is a JSON string (as given, untrimmed), the size band when `employees` is a JSON number and its
-- text when it is a JSON string. The view LeadSegment computes them.
-- Kept by triggers: every row written to the log takes them from its lead, whichever trigger wrote
-- it, and a lead whose source, source details or attributes change takes its rows along.

-- DropIndex
DROP INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_dealId_meetingId_idx";

-- AlterTable
ALTER TABLE "ActivityLog" ADD COLUMN "leadCampaign" TEXT;
ALTER TABLE "ActivityLog" ADD COLUMN "leadIndustry" TEXT;
ALTER TABLE "ActivityLog" ADD COLUMN "leadRegion" TEXT;
ALTER TABLE "ActivityLog" ADD COLUMN "leadSizeBand" TEXT;
ALTER TABLE "ActivityLog" ADD COLUMN "leadSizeText" TEXT;
ALTER TABLE "ActivityLog" ADD COLUMN "leadSource" TEXT;

CREATE VIEW "LeadSegment" AS
SELECT l."id",
  l."source",
  CASE WHEN json_valid(l."sourceDetails") AND json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END AS "campaign",
  CASE WHEN json_valid(l."attributes") AND json_type(l."attributes", '$.industry') = 'text' THEN json_extract(l."attributes", '$.industry') END AS "industry",
  CASE WHEN json_valid(l."attributes") AND json_type(l."attributes", '$.region') = 'text' THEN json_extract(l."attributes", '$.region') END AS "region",
  CASE WHEN json_valid(l."attributes") AND json_type(l."attributes", '$.employees') IN ('integer', 'real') THEN
    CASE WHEN json_extract(l."attributes", '$.employees') < 1 THEN 'unknown'
      WHEN json_extract(l."attributes", '$.employees') < 50 THEN '1-49'
      WHEN json_extract(l."attributes", '$.employees') < 200 THEN '50-199'
      WHEN json_extract(l."attributes", '$.employees') < 1000 THEN '200-999'
      ELSE '1000+' END END AS "sizeBand",
  CASE WHEN json_valid(l."attributes") AND json_type(l."attributes", '$.employees') = 'text' THEN json_extract(l."attributes", '$.employees') END AS "sizeText"
FROM "Lead" l;

-- Every row written to the log: its lead's fields.
CREATE TRIGGER "ActivityLog_segment" AFTER INSERT ON "ActivityLog" FOR EACH ROW BEGIN
  UPDATE "ActivityLog" SET ("leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText") =
    (SELECT s."source", s."campaign", s."industry", s."region", s."sizeBand", s."sizeText" FROM "LeadSegment" s WHERE s."id" = NEW."leadId")
  WHERE "origin" = NEW."origin" AND "id" = NEW."id";
END;

-- A lead's id corrected (the foreign key's cascade), or a lead whose fields change: its rows follow.
CREATE TRIGGER "ActivityLog_segment_lead" AFTER UPDATE OF "leadId" ON "ActivityLog" FOR EACH ROW
  WHEN OLD."leadId" IS NOT NEW."leadId" BEGIN
  UPDATE "ActivityLog" SET ("leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText") =
    (SELECT s."source", s."campaign", s."industry", s."region", s."sizeBand", s."sizeText" FROM "LeadSegment" s WHERE s."id" = NEW."leadId")
  WHERE "origin" = NEW."origin" AND "id" = NEW."id";
END;

CREATE TRIGGER "ActivityLog_lead_segment" AFTER UPDATE OF "source", "sourceDetails", "attributes" ON "Lead" FOR EACH ROW
  WHEN OLD."source" IS NOT NEW."source" OR OLD."sourceDetails" IS NOT NEW."sourceDetails" OR OLD."attributes" IS NOT NEW."attributes" BEGIN
  UPDATE "ActivityLog" SET ("leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText") =
    (SELECT s."source", s."campaign", s."industry", s."region", s."sizeBand", s."sizeText" FROM "LeadSegment" s WHERE s."id" = NEW."id")
  WHERE "leadId" = NEW."id";
END;

-- The rows logged before this migration.
UPDATE "ActivityLog" SET ("leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText") =
  (SELECT s."source", s."campaign", s."industry", s."region", s."sizeBand", s."sizeText" FROM "LeadSegment" s WHERE s."id" = "ActivityLog"."leadId");

-- CreateIndex
CREATE INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_dealId_meetingId_leadSource_leadCampaign_leadIndustry_leadRegion_leadSizeBand_leadSizeText_idx" ON "ActivityLog"("tenant", "origin", "at", "kind", "actor", "id", "leadId", "createdAt", "dealId", "meetingId", "leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText");
