-- The segment fields of each activity's lead on its row of the activity log (prisma/schema.prisma,
-- model ActivityLog, columns lead*), so that the activity report broken down by a field of the lead
-- (source, campaign, industry, size, region) reads no lead: before, each of a window's 125 000
-- activities at 1M leads was joined with its lead, a scan of Lead (docs/analytics.md, "The lead's
-- fields on the activity log").
-- The fields are as a breakdown reads them (groupColumnsOf, src/usecases/analytics/lead-arrivals.ts):
-- the source, the campaign, industry and region when each is a JSON string (as given, untrimmed), the
-- size band when `employees` is a JSON number and its text when it is a JSON string.
-- Kept by triggers:
-- - every row written to the log (BEFORE INSERT, whichever trigger writes it) first takes its lead
--   FOR KEY SHARE, the lock the log's foreign key takes of the same lead at the end of the same
--   statement, so no lock order changes, then reads the lead's fields in a statement of its own
-- - a lead whose source, campaign, industry, region or employees change takes its row FOR UPDATE,
--   which waits for the transactions that read its fields for a row not yet committed, then takes
--   its rows along
-- So a row written while the fields change waits for the change to commit, and its second statement
-- reads the lead as changed (the locking read alone returned the fields as they were before the
-- change: a KEY SHARE lock does not fetch the newer version). A deal moved, deleted or written at the
-- same moment takes no other lock than before. A transaction that writes a row referring to a lead
-- (a task, a decision) and then the lead itself, while that lead's fields change, is rolled back by
-- PostgreSQL's deadlock detection and retried by its caller. The review found none in the app: a
-- decision and its lead's score are written in statements of their own.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons, and no comment holds a semicolon.

-- DropIndex
DROP INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_idx";

-- AlterTable
ALTER TABLE "ActivityLog" ADD COLUMN     "leadCampaign" TEXT,
ADD COLUMN     "leadIndustry" TEXT,
ADD COLUMN     "leadRegion" TEXT,
ADD COLUMN     "leadSizeBand" TEXT,
ADD COLUMN     "leadSizeText" TEXT,
ADD COLUMN     "leadSource" TEXT;

-- A lead's segment fields as the log holds them, from its source, sourceDetails and attributes:
-- source, campaign, industry, region, size band, size text.
CREATE FUNCTION "leadflow_lead_segment"(TEXT, JSONB, JSONB) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS E'
  SELECT ARRAY[
    $1,
    CASE WHEN jsonb_typeof($2 -> ''campaign'') = ''string'' THEN $2 ->> ''campaign'' END,
    CASE WHEN jsonb_typeof($3 -> ''industry'') = ''string'' THEN $3 ->> ''industry'' END,
    CASE WHEN jsonb_typeof($3 -> ''region'') = ''string'' THEN $3 ->> ''region'' END,
    CASE WHEN jsonb_typeof($3 -> ''employees'') = ''number'' THEN
      CASE WHEN CAST($3 ->> ''employees'' AS numeric) < 1 THEN ''unknown''
        WHEN CAST($3 ->> ''employees'' AS numeric) < 50 THEN ''1-49''
        WHEN CAST($3 ->> ''employees'' AS numeric) < 200 THEN ''50-199''
        WHEN CAST($3 ->> ''employees'' AS numeric) < 1000 THEN ''200-999''
        ELSE ''1000+'' END END,
    CASE WHEN jsonb_typeof($3 -> ''employees'') = ''string'' THEN $3 ->> ''employees'' END]
';

-- Every row written to the log: its lead's fields.
CREATE FUNCTION "leadflow_activity_log_segment"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  segment TEXT[]\x3B
BEGIN
  PERFORM 1 FROM "Lead" l WHERE l."id" = NEW."leadId" FOR KEY SHARE\x3B
  SELECT "leadflow_lead_segment"(l."source", l."sourceDetails", l."attributes") INTO segment FROM "Lead" l WHERE l."id" = NEW."leadId"\x3B
  NEW."leadSource" := segment[1]\x3B
  NEW."leadCampaign" := segment[2]\x3B
  NEW."leadIndustry" := segment[3]\x3B
  NEW."leadRegion" := segment[4]\x3B
  NEW."leadSizeBand" := segment[5]\x3B
  NEW."leadSizeText" := segment[6]\x3B
  RETURN NEW\x3B
END ';

CREATE TRIGGER "ActivityLog_segment" BEFORE INSERT OR UPDATE OF "leadId" ON "ActivityLog"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_activity_log_segment"();

-- A lead whose segment fields change: its rows of the log follow.
CREATE FUNCTION "leadflow_activity_log_lead_segment"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  segment TEXT[] := "leadflow_lead_segment"(NEW."source", NEW."sourceDetails", NEW."attributes")\x3B
BEGIN
  PERFORM 1 FROM "Lead" l WHERE l."id" = NEW."id" FOR UPDATE\x3B
  UPDATE "ActivityLog" SET "leadSource" = segment[1], "leadCampaign" = segment[2], "leadIndustry" = segment[3],
    "leadRegion" = segment[4], "leadSizeBand" = segment[5], "leadSizeText" = segment[6]
  WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_lead_segment" AFTER UPDATE OF "source", "sourceDetails", "attributes" ON "Lead" FOR EACH ROW
  WHEN ("leadflow_lead_segment"(OLD."source", OLD."sourceDetails", OLD."attributes")
    IS DISTINCT FROM "leadflow_lead_segment"(NEW."source", NEW."sourceDetails", NEW."attributes"))
  EXECUTE FUNCTION "leadflow_activity_log_lead_segment"();

-- The rows logged before this migration.
UPDATE "ActivityLog" g SET "leadSource" = s.segment[1], "leadCampaign" = s.segment[2], "leadIndustry" = s.segment[3],
  "leadRegion" = s.segment[4], "leadSizeBand" = s.segment[5], "leadSizeText" = s.segment[6]
FROM (SELECT l."id", "leadflow_lead_segment"(l."source", l."sourceDetails", l."attributes") AS segment FROM "Lead" l) s
WHERE s."id" = g."leadId";

-- CreateIndex
CREATE INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_idx" ON "ActivityLog"("tenant", "origin", "at", "kind", "actor", "id", "leadId", "createdAt", "dealId", "meetingId", "leadSource", "leadCampaign", "leadIndustry", "leadRegion", "leadSizeBand", "leadSizeText");
