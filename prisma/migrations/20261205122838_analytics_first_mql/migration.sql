-- Each lead's first stage event to `mql` in LeadFunnel: `mqlEventAt`, its instant, `mqlEventId`,
-- its id, and `mqlVersion`, the ruleset version it carries, the first in the order occurredAt then
-- id; kept by triggers of their own beside those of `analytics_projections` (see the PostgreSQL
-- migration of the same name for the why). SQLite has no statement triggers, and does not say in
-- which order two triggers on one event run: an insert's trigger here is an upsert that keeps the
-- earlier of two events, and a correction's recomputes from the lead's events, so the order does
-- not matter. SQLite has one writer at a time. A lead's events are found by StageEvent(leadId,
-- occurredAt): `+s."toStage"` keeps SQLite, which has no statistics, from walking every MQL event
-- of StageEvent(toStage, occurredAt) for each lead instead (minutes at 100 000 leads).

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "mqlEventAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "mqlEventId" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "mqlVersion" TEXT;

CREATE TRIGGER "LeadFunnel_stage_event_insert_mql" AFTER INSERT ON "StageEvent" FOR EACH ROW
  WHEN NEW."toStage" = 'mql' BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlEventAt", "mqlEventId", "mqlVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END,
    NEW."occurredAt", NEW."id", NEW."rulesetVersion"
  FROM "Lead" l WHERE l."id" = NEW."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlEventAt" = excluded."mqlEventAt", "mqlEventId" = excluded."mqlEventId", "mqlVersion" = excluded."mqlVersion"
  WHERE "LeadFunnel"."mqlEventAt" IS NULL
    OR (excluded."mqlEventAt", excluded."mqlEventId") < ("LeadFunnel"."mqlEventAt", "LeadFunnel"."mqlEventId");
END;

-- A new lead takes the MQL events written before it (an import that writes events first).
CREATE TRIGGER "LeadFunnel_lead_insert_mql" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlEventAt", "mqlEventId", "mqlVersion")
  SELECT NEW."id", NEW."tenant", NEW."createdAt", NEW."source", CASE WHEN json_valid(NEW."sourceDetails") THEN CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END END,
    s."occurredAt", s."id", s."rulesetVersion"
  FROM "StageEvent" s WHERE s."leadId" = NEW."id" AND +s."toStage" = 'mql' ORDER BY s."occurredAt", s."id" LIMIT 1
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlEventAt" = excluded."mqlEventAt", "mqlEventId" = excluded."mqlEventId", "mqlVersion" = excluded."mqlVersion"
  WHERE "LeadFunnel"."mqlEventAt" IS NULL
    OR (excluded."mqlEventAt", excluded."mqlEventId") < ("LeadFunnel"."mqlEventAt", "LeadFunnel"."mqlEventId");
END;

-- An MQL event corrected or deleted (or an event corrected into one) recomputes the first MQL event
-- of its lead, and of the other lead when it moved.
CREATE TRIGGER "LeadFunnel_stage_event_update_mql" AFTER UPDATE OF "leadId", "toStage", "occurredAt", "rulesetVersion" ON "StageEvent" FOR EACH ROW
  WHEN OLD."toStage" = 'mql' OR NEW."toStage" = 'mql' BEGIN
  UPDATE "LeadFunnel" SET ("mqlEventAt", "mqlEventId", "mqlVersion") = (
    SELECT s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
    WHERE s."leadId" = "LeadFunnel"."leadId" AND +s."toStage" = 'mql' ORDER BY s."occurredAt", s."id" LIMIT 1)
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_stage_event_delete_mql" AFTER DELETE ON "StageEvent" FOR EACH ROW
  WHEN OLD."toStage" = 'mql' BEGIN
  UPDATE "LeadFunnel" SET ("mqlEventAt", "mqlEventId", "mqlVersion") = (
    SELECT s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
    WHERE s."leadId" = "LeadFunnel"."leadId" AND +s."toStage" = 'mql' ORDER BY s."occurredAt", s."id" LIMIT 1)
  WHERE "leadId" = OLD."leadId";
END;

-- Backfill: the MQL events recorded before this migration.
UPDATE "LeadFunnel" SET ("mqlEventAt", "mqlEventId", "mqlVersion") = (
  SELECT s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
  WHERE s."leadId" = "LeadFunnel"."leadId" AND +s."toStage" = 'mql' ORDER BY s."occurredAt", s."id" LIMIT 1)
WHERE "leadId" IN (SELECT s."leadId" FROM "StageEvent" s WHERE s."toStage" = 'mql');
