-- The stay projection (prisma/schema.prisma, model StageStay): every ended stay of a lead in a
-- stage, kept by the triggers below on every write of a stage event, whoever writes it. A write
-- recomputes the stays of the leads it touches (a lead has a handful of stage events): the next
-- event is the one after in the order occurredAt then id (code-point order, as the loader sorts
-- them). test/analytics/stage-stay.int.test.ts requires the table to equal that recomputation after
-- inserts out of order, bulk inserts, corrections and deletions, and the backfill to give the same.

-- CreateTable
CREATE TABLE "StageStay" (
    "eventId" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "leadCreatedAt" TIMESTAMP(3) NOT NULL,
    "stage" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "leftAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StageStay_pkey" PRIMARY KEY ("eventId")
);

-- Backfill: the stage events recorded before this migration.
INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
  SELECT s."id", s."leadId", s."toStage", s."occurredAt",
    LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
  FROM "StageEvent" s) e
JOIN "Lead" l ON l."id" = e."leadId"
WHERE e."leftAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "StageStay_tenant_leftAt_stage_enteredAt_leadId_leadCreatedA_idx" ON "StageStay"("tenant", "leftAt", "stage", "enteredAt", "leadId", "leadCreatedAt");

-- CreateIndex
CREATE INDEX "StageStay_leadId_idx" ON "StageStay"("leadId");

-- AddForeignKey
ALTER TABLE "StageStay" ADD CONSTRAINT "StageStay_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Prisma's PostgreSQL driver adapter runs a migration split at every semicolon (executeScript),
-- so each function body below is an E'' string whose semicolons are written \x3B, and no comment
-- here holds a semicolon.
-- New stage events, once per statement on its transition table.
CREATE FUNCTION "leadflow_stage_stay_new_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "StageStay" WHERE "leadId" IN (SELECT "leadId" FROM new_events)\x3B
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (SELECT "leadId" FROM new_events)) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "StageStay_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_stage_stay_new_events"();

-- A stage event corrected or deleted recomputes the stays of its lead, and of the other lead when it moved.
CREATE FUNCTION "leadflow_stage_stay_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId", NEW."leadId")\x3B
    INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
    SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
      SELECT s."id", s."leadId", s."toStage", s."occurredAt",
        LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
      FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId", NEW."leadId")) e
    JOIN "Lead" l ON l."id" = e."leadId"
    WHERE e."leftAt" IS NOT NULL\x3B
  ELSE
    DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId")\x3B
    INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
    SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
      SELECT s."id", s."leadId", s."toStage", s."occurredAt",
        LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
      FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId")) e
    JOIN "Lead" l ON l."id" = e."leadId"
    WHERE e."leftAt" IS NOT NULL\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "StageStay_stage_event_change" AFTER UPDATE OF "leadId", "toStage", "occurredAt" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_stage_stay_event_changed"();

-- The tenant or creation of a lead corrected follows to its stays.
CREATE FUNCTION "leadflow_stage_stay_lead_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "StageStay" SET "tenant" = NEW."tenant", "leadCreatedAt" = NEW."createdAt" WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "StageStay_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead"
  FOR EACH ROW WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "leadflow_stage_stay_lead_moved"();
