-- Each lead's first touch at or after its MQL in LeadFunnel (prisma/schema.prisma): `mqlTouchAt`,
-- the earliest Interaction of a touch kind (TOUCH_EVENTS of src/domain/lead-events.ts: call-logged,
-- email-sent, meeting-booked) at or after `mqlAt`, null while there is none or the lead is no MQL.
-- The speed and rule attribution reports read it for response time and SLA attainment, and find
-- the leads first touched in a window by a range of the index below, instead of probing every
-- lead's touches (docs/analytics.md, "The funnel and stay projections").
--
-- Kept by the triggers below, whoever writes a touch or moves an MQL. Each write that can change
-- the column first holds its LeadFunnel row, then reads (in READ COMMITTED, the default, each query
-- of a trigger function sees what was committed when it starts): a row whose MQL moves is held by
-- the update that moves it (the triggers of `analytics_projections`), and computed in a BEFORE
-- trigger. A touch's trigger takes the row with FOR NO KEY UPDATE before it reads, so a concurrent
-- MQL change and a touch take turns, and the second sees the first. Touches of several leads in one
-- statement lock their rows in id order. Two transactions writing touches of the same two leads in
-- separate statements, in opposite orders, can now deadlock (PostgreSQL aborts one): leadflow writes
-- one lead's touches per transaction, and bulk writers should write theirs in one statement.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "mqlTouchAt" TIMESTAMP(3);

-- The definition: lead $1's first touch at or after $2 (null for a null $2). VOLATILE, so its query
-- sees what was committed when it runs, not when the statement calling it began: the backfill,
-- waiting for a row a touch's trigger holds, computes it again once that touch is committed.
CREATE FUNCTION "leadflow_first_touch_after"(TEXT, TIMESTAMP(3)) RETURNS TIMESTAMP(3) LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  RETURN (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = $1
    AND i."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'') AND i."occurredAt" >= $2)\x3B
END ';

-- A row made with an MQL, or whose MQL moved: its first touch from the new MQL on.
CREATE FUNCTION "leadflow_first_touch_of_funnel"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  NEW."mqlTouchAt" := "leadflow_first_touch_after"(NEW."leadId", NEW."mqlAt")\x3B
  RETURN NEW\x3B
END ';

CREATE TRIGGER "LeadFunnel_mql_touch_insert" BEFORE INSERT ON "LeadFunnel"
  FOR EACH ROW WHEN (NEW."mqlAt" IS NOT NULL) EXECUTE FUNCTION "leadflow_first_touch_of_funnel"();

CREATE TRIGGER "LeadFunnel_mql_touch_update" BEFORE UPDATE OF "mqlAt" ON "LeadFunnel"
  FOR EACH ROW WHEN (OLD."mqlAt" IS DISTINCT FROM NEW."mqlAt") EXECUTE FUNCTION "leadflow_first_touch_of_funnel"();

-- New touches, once per statement: the first touch after the MQL can only become earlier.
CREATE FUNCTION "leadflow_first_touch_new_interactions"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" IN (SELECT n."leadId" FROM new_interactions n
    WHERE n."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'')) ORDER BY f."leadId" FOR NO KEY UPDATE\x3B
  UPDATE "LeadFunnel" f SET "mqlTouchAt" = t."touch"
  FROM (SELECT n."leadId", MIN(n."occurredAt") AS "touch" FROM new_interactions n JOIN "LeadFunnel" g ON g."leadId" = n."leadId"
    WHERE n."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'') AND n."occurredAt" >= g."mqlAt" GROUP BY n."leadId") t
  WHERE f."leadId" = t."leadId" AND (f."mqlTouchAt" IS NULL OR f."mqlTouchAt" > t."touch")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_interaction_insert_touch" AFTER INSERT ON "Interaction"
  REFERENCING NEW TABLE AS new_interactions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_touch_new_interactions"();

-- A touch corrected (moved to another lead, another kind or instant): the first touch of its lead,
-- and of the other lead when it moved, is recomputed.
CREATE FUNCTION "leadflow_first_touch_interaction_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" IN (OLD."leadId", NEW."leadId") ORDER BY f."leadId" FOR NO KEY UPDATE\x3B
  UPDATE "LeadFunnel" f SET "mqlTouchAt" = "leadflow_first_touch_after"(f."leadId", f."mqlAt")
  WHERE f."leadId" IN (OLD."leadId", NEW."leadId")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_interaction_update_touch" AFTER UPDATE OF "leadId", "kind", "occurredAt" ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_first_touch_interaction_changed"();

-- Deleted touches, once per statement: a lead whose first touch was one of them has it recomputed.
CREATE FUNCTION "leadflow_first_touch_interactions_deleted"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" IN (SELECT o."leadId" FROM old_interactions o
    WHERE o."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'')) ORDER BY f."leadId" FOR NO KEY UPDATE\x3B
  UPDATE "LeadFunnel" f SET "mqlTouchAt" = "leadflow_first_touch_after"(f."leadId", f."mqlAt")
  WHERE f."leadId" IN (SELECT o."leadId" FROM old_interactions o
    WHERE o."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'') AND o."occurredAt" = f."mqlTouchAt")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_interaction_delete_touch" AFTER DELETE ON "Interaction"
  REFERENCING OLD TABLE AS old_interactions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_touch_interactions_deleted"();

-- Backfill: the touches recorded before the triggers, for every lead that is an MQL. A row a
-- touch's trigger holds meanwhile (a rolling deploy) is computed again once it is released, with
-- that touch (leadflow_first_touch_after is VOLATILE).
UPDATE "LeadFunnel" f SET "mqlTouchAt" = "leadflow_first_touch_after"(f."leadId", f."mqlAt") WHERE f."mqlAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_idx" ON "LeadFunnel"("tenant", "mqlTouchAt", "leadId");

-- The speed report reads the leads with an SLA due in its window from the index alone: the index
-- takes their id and creation, built before the narrower one it replaces is dropped.
CREATE INDEX "Lead_tenant_slaDueAt_id_createdAt_idx" ON "Lead"("tenant", "slaDueAt", "id", "createdAt");

-- DropIndex
DROP INDEX "Lead_tenant_slaDueAt_idx";
