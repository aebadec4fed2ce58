-- Each lead's first close in LeadFunnel: `closedAt`, its first stage event to closed-won or
-- closed-lost, and `lostAt`, its first to closed-lost, kept by triggers of their own beside those
-- of `analytics_projections` (see the PostgreSQL migration of the same name for the why). SQLite
-- has no statement triggers, and does not say in which order two triggers on one event run: an
-- insert's trigger here is an upsert that can only make an instant earlier, and a correction's
-- recomputes from the lead's events, so the order does not matter. SQLite has one writer at a time.
-- COALESCE(MIN(a, b), a, b) is the earlier of two instants, either maybe null.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "closedAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "lostAt" DATETIME;

CREATE TRIGGER "LeadFunnel_stage_event_insert_close" AFTER INSERT ON "StageEvent" FOR EACH ROW
  WHEN NEW."toStage" IN ('closed-won', 'closed-lost') BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "closedAt", "lostAt")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END,
    NEW."occurredAt", CASE WHEN NEW."toStage" = 'closed-lost' THEN NEW."occurredAt" END
  FROM "Lead" l WHERE l."id" = NEW."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "closedAt" = COALESCE(MIN("LeadFunnel"."closedAt", excluded."closedAt"), "LeadFunnel"."closedAt", excluded."closedAt"),
    "lostAt" = COALESCE(MIN("LeadFunnel"."lostAt", excluded."lostAt"), "LeadFunnel"."lostAt", excluded."lostAt");
END;

-- A new lead takes the closing events written before it (an import that writes events first).
CREATE TRIGGER "LeadFunnel_lead_insert_close" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "closedAt", "lostAt")
  SELECT NEW."id", NEW."tenant", NEW."createdAt", NEW."source", CASE WHEN json_valid(NEW."sourceDetails") THEN CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END END,
    r."closedAt", r."lostAt"
  FROM (SELECT MIN(s."occurredAt") AS "closedAt", MIN(CASE WHEN s."toStage" = 'closed-lost' THEN s."occurredAt" END) AS "lostAt"
    FROM "StageEvent" s WHERE s."leadId" = NEW."id" AND s."toStage" IN ('closed-won', 'closed-lost')) r WHERE r."closedAt" IS NOT NULL
  ON CONFLICT ("leadId") DO UPDATE SET
    "closedAt" = COALESCE(MIN("LeadFunnel"."closedAt", excluded."closedAt"), "LeadFunnel"."closedAt", excluded."closedAt"),
    "lostAt" = COALESCE(MIN("LeadFunnel"."lostAt", excluded."lostAt"), "LeadFunnel"."lostAt", excluded."lostAt");
END;

-- A stage event corrected or deleted recomputes the first close of its lead, and of the other lead
-- when it moved.
CREATE TRIGGER "LeadFunnel_stage_event_update_close" AFTER UPDATE OF "leadId", "toStage", "occurredAt" ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "closedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won', 'closed-lost')),
    "lostAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" = 'closed-lost')
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_stage_event_delete_close" AFTER DELETE ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "closedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won', 'closed-lost')),
    "lostAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" = 'closed-lost')
  WHERE "leadId" = OLD."leadId";
END;

-- Backfill: the closing events recorded before this migration.
UPDATE "LeadFunnel" SET
  "closedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won', 'closed-lost')),
  "lostAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" = 'closed-lost')
WHERE "leadId" IN (SELECT s."leadId" FROM "StageEvent" s WHERE s."toStage" IN ('closed-won', 'closed-lost'));

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_closedAt_leadId_wonAt_lostAt_source_campaign_idx" ON "LeadFunnel"("tenant", "closedAt", "leadId", "wonAt", "lostAt", "source", "campaign");
