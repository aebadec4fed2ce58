-- Each lead's first touch at or after its MQL in LeadFunnel (`mqlTouchAt`): the earliest
-- Interaction of a touch kind (TOUCH_EVENTS of src/domain/lead-events.ts: call-logged, email-sent,
-- meeting-booked) at or after `mqlAt`, null while there is none or the lead is no MQL. The speed
-- and rule attribution reports read it for response time and SLA attainment instead of probing
-- each lead's touches (docs/analytics.md, "The funnel and stay projections"). Kept by the triggers
-- below, whoever writes a touch or moves an MQL. SQLite has one writer at a time. Its triggers
-- nest (the stage event triggers' upserts of LeadFunnel fire the two on LeadFunnel), but none fires
-- itself again: recursive triggers are off, and the LeadFunnel triggers write only mqlTouchAt.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "mqlTouchAt" DATETIME;

-- A row made with an MQL, or whose MQL moved (the triggers of `analytics_projections`, an upsert's
-- update included): its first touch from the new MQL on.
CREATE TRIGGER "LeadFunnel_mql_touch_insert" AFTER INSERT ON "LeadFunnel" FOR EACH ROW
  WHEN NEW."mqlAt" IS NOT NULL BEGIN
  UPDATE "LeadFunnel" SET "mqlTouchAt" = (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = NEW."leadId"
    AND i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND i."occurredAt" >= NEW."mqlAt")
  WHERE "leadId" = NEW."leadId";
END;

CREATE TRIGGER "LeadFunnel_mql_touch_update" AFTER UPDATE OF "mqlAt" ON "LeadFunnel" FOR EACH ROW
  WHEN OLD."mqlAt" IS NOT NEW."mqlAt" BEGIN
  UPDATE "LeadFunnel" SET "mqlTouchAt" = (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = NEW."leadId"
    AND i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND i."occurredAt" >= NEW."mqlAt")
  WHERE "leadId" = NEW."leadId";
END;

-- A new touch can only make the first touch after the MQL earlier.
CREATE TRIGGER "LeadFunnel_interaction_insert_touch" AFTER INSERT ON "Interaction" FOR EACH ROW
  WHEN NEW."kind" IN ('call-logged', 'email-sent', 'meeting-booked') BEGIN
  UPDATE "LeadFunnel" SET "mqlTouchAt" = NEW."occurredAt"
  WHERE "leadId" = NEW."leadId" AND "mqlAt" <= NEW."occurredAt" AND ("mqlTouchAt" IS NULL OR "mqlTouchAt" > NEW."occurredAt");
END;

-- A touch corrected (moved to another lead, another kind or instant) or deleted recomputes its
-- lead's first touch, and the other lead's when it moved.
CREATE TRIGGER "LeadFunnel_interaction_update_touch" AFTER UPDATE OF "leadId", "kind", "occurredAt" ON "Interaction" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET "mqlTouchAt" = (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = "LeadFunnel"."leadId"
    AND i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND i."occurredAt" >= "LeadFunnel"."mqlAt")
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_interaction_delete_touch" AFTER DELETE ON "Interaction" FOR EACH ROW
  WHEN OLD."kind" IN ('call-logged', 'email-sent', 'meeting-booked') BEGIN
  UPDATE "LeadFunnel" SET "mqlTouchAt" = (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = "LeadFunnel"."leadId"
    AND i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND i."occurredAt" >= "LeadFunnel"."mqlAt")
  WHERE "leadId" = OLD."leadId" AND "mqlTouchAt" = OLD."occurredAt";
END;

-- Backfill: the touches recorded before this migration.
UPDATE "LeadFunnel" SET "mqlTouchAt" = (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = "LeadFunnel"."leadId"
  AND i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND i."occurredAt" >= "LeadFunnel"."mqlAt")
WHERE "mqlAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_idx" ON "LeadFunnel"("tenant", "mqlTouchAt", "leadId");

-- The speed report reads the leads with an SLA due in its window from the index alone: the index
-- takes their id and creation, built before the narrower one it replaces is dropped.
CREATE INDEX "Lead_tenant_slaDueAt_id_createdAt_idx" ON "Lead"("tenant", "slaDueAt", "id", "createdAt");

-- DropIndex
DROP INDEX "Lead_tenant_slaDueAt_idx";
