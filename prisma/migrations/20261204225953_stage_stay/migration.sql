-- The stay projection (prisma/schema.prisma, model StageStay): every ended stay of a lead in a
-- stage, kept by the triggers below on every write of a stage event, whoever writes it. A write
-- recomputes the stays of the leads it touches (a lead has a handful of stage events): the next
-- event is the one after in the order occurredAt then id (code-point order, as the loader sorts
-- them). test/analytics/stage-stay.int.test.ts requires the table to equal that recomputation after
-- inserts out of order, bulk inserts, corrections and deletions, and the backfill to give the same.

-- CreateTable
CREATE TABLE "StageStay" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "leadCreatedAt" DATETIME NOT NULL,
    "stage" TEXT NOT NULL,
    "enteredAt" DATETIME NOT NULL,
    "leftAt" DATETIME NOT NULL,
    CONSTRAINT "StageStay_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Backfill: the stage events recorded before this migration.
INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
  SELECT s."id", s."leadId", s."toStage", s."occurredAt",
    LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
  FROM "StageEvent" s) e
JOIN "Lead" l ON l."id" = e."leadId"
WHERE e."leftAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "StageStay_tenant_leftAt_stage_enteredAt_leadId_leadCreatedAt_idx" ON "StageStay"("tenant", "leftAt", "stage", "enteredAt", "leadId", "leadCreatedAt");

-- CreateIndex
CREATE INDEX "StageStay_leadId_idx" ON "StageStay"("leadId");

CREATE TRIGGER "StageStay_stage_event_insert" AFTER INSERT ON "StageEvent" FOR EACH ROW BEGIN
  DELETE FROM "StageStay" WHERE "leadId" IN (NEW."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (NEW."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL;
END;

CREATE TRIGGER "StageStay_stage_event_update" AFTER UPDATE OF "leadId", "toStage", "occurredAt" ON "StageEvent" FOR EACH ROW BEGIN
  DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId", NEW."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId", NEW."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL;
END;

CREATE TRIGGER "StageStay_stage_event_delete" AFTER DELETE ON "StageEvent" FOR EACH ROW BEGIN
  DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL;
END;

CREATE TRIGGER "StageStay_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."createdAt" IS NOT NEW."createdAt" BEGIN
  UPDATE "StageStay" SET "tenant" = NEW."tenant", "leadCreatedAt" = NEW."createdAt" WHERE "leadId" = NEW."id";
END;
