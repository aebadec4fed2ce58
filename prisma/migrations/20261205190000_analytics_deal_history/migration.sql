-- DealHistory: each lead's deal course and its deal's forecast history (see the PostgreSQL
-- migration of the same name for what they hold and why). Here an instant is written as SQLite
-- stores it, ISO text (instantText, src/db/raw-sql.ts), and ids sort in code-point order already.
-- SQLite has no statement triggers and one writer at a time: each trigger recomputes the text of
-- the leads it touches from their rows (making a lead's row if missing), so the order in which two
-- triggers on one event run does not matter. A lead's events are found by StageEvent(leadId,
-- occurredAt): `+s."toStage"` keeps SQLite, which has no statistics, from walking every event of a
-- stage instead.

-- CreateTable
CREATE TABLE "DealHistory" (
    "leadId" TEXT NOT NULL PRIMARY KEY,
    "course" TEXT,
    "forecasts" TEXT,
    CONSTRAINT "DealHistory_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- A new deal-stage or SQL event recomputes its lead's course.
CREATE TRIGGER "DealHistory_stage_event_insert" AFTER INSERT ON "StageEvent" FOR EACH ROW
  WHEN NEW."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') BEGIN
  INSERT INTO "DealHistory" ("leadId", "course")
  SELECT l."id", (SELECT group_concat(s."toStage" || '@' || s."occurredAt", ',' ORDER BY s."occurredAt", s."id") FROM "StageEvent" s
      WHERE s."leadId" = l."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
  FROM "Lead" l WHERE l."id" IN (NEW."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "course" = excluded."course";
END;

-- A new lead takes the deal-stage and SQL events written before it (an import that writes events first).
CREATE TRIGGER "DealHistory_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW
  WHEN EXISTS (SELECT 1 FROM "StageEvent" s WHERE s."leadId" = NEW."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')) BEGIN
  INSERT INTO "DealHistory" ("leadId", "course")
  SELECT l."id", (SELECT group_concat(s."toStage" || '@' || s."occurredAt", ',' ORDER BY s."occurredAt", s."id") FROM "StageEvent" s
      WHERE s."leadId" = l."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
  FROM "Lead" l WHERE l."id" IN (NEW."id")
  ON CONFLICT ("leadId") DO UPDATE SET "course" = excluded."course";
END;

-- A new lead takes the forecasts of a deal written before it (a deal has no foreign key to its lead).
CREATE TRIGGER "DealHistory_lead_insert_forecasts" AFTER INSERT ON "Lead" FOR EACH ROW
  WHEN EXISTS (SELECT 1 FROM "Deal" d WHERE d."leadId" = NEW."id" AND EXISTS (SELECT 1 FROM "DealForecast" x WHERE x."dealId" = d."id")) BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" = NEW."id"
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

-- A deal-stage or SQL event corrected or deleted (or an event corrected into one) recomputes the
-- course of its lead, and of the other lead when it moved.
CREATE TRIGGER "DealHistory_stage_event_update" AFTER UPDATE OF "leadId", "toStage", "occurredAt" ON "StageEvent" FOR EACH ROW
  WHEN OLD."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')
    OR NEW."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') BEGIN
  INSERT INTO "DealHistory" ("leadId", "course")
  SELECT l."id", (SELECT group_concat(s."toStage" || '@' || s."occurredAt", ',' ORDER BY s."occurredAt", s."id") FROM "StageEvent" s
      WHERE s."leadId" = l."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
  FROM "Lead" l WHERE l."id" IN (OLD."leadId", NEW."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "course" = excluded."course";
END;

CREATE TRIGGER "DealHistory_stage_event_delete" AFTER DELETE ON "StageEvent" FOR EACH ROW
  WHEN OLD."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') BEGIN
  INSERT INTO "DealHistory" ("leadId", "course")
  SELECT l."id", (SELECT group_concat(s."toStage" || '@' || s."occurredAt", ',' ORDER BY s."occurredAt", s."id") FROM "StageEvent" s
      WHERE s."leadId" = l."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
  FROM "Lead" l WHERE l."id" IN (OLD."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "course" = excluded."course";
END;

-- A forecast written, corrected, moved to another deal or deleted recomputes the history of its
-- deal's lead (and of the other deal's lead when it moved).
CREATE TRIGGER "DealHistory_forecast_insert" AFTER INSERT ON "DealForecast" FOR EACH ROW BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" IN (SELECT d."leadId" FROM "Deal" d WHERE d."id" = NEW."dealId")
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

CREATE TRIGGER "DealHistory_forecast_update" AFTER UPDATE OF "dealId", "occurredAt", "category", "expectedCloseDate" ON "DealForecast" FOR EACH ROW BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" IN (SELECT d."leadId" FROM "Deal" d WHERE d."id" IN (OLD."dealId", NEW."dealId"))
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

CREATE TRIGGER "DealHistory_forecast_delete" AFTER DELETE ON "DealForecast" FOR EACH ROW BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" IN (SELECT d."leadId" FROM "Deal" d WHERE d."id" = OLD."dealId")
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

-- A deal deleted or moved to another lead recomputes the histories of its lead and of the other one.
CREATE TRIGGER "DealHistory_deal_update" AFTER UPDATE OF "leadId" ON "Deal" FOR EACH ROW BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" IN (OLD."leadId", NEW."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

CREATE TRIGGER "DealHistory_deal_delete" AFTER DELETE ON "Deal" FOR EACH ROW BEGIN
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
  FROM "Lead" l WHERE l."id" IN (OLD."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts";
END;

-- Backfills: the courses and histories recorded before the triggers (SQLite has one writer: none is
-- written meanwhile).
INSERT INTO "DealHistory" ("leadId", "course")
SELECT l."id", (SELECT group_concat(s."toStage" || '@' || s."occurredAt", ',' ORDER BY s."occurredAt", s."id") FROM "StageEvent" s
      WHERE s."leadId" = l."id" AND +s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
FROM "Lead" l WHERE l."id" IN (SELECT s."leadId" FROM "StageEvent" s WHERE s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'))
ON CONFLICT ("leadId") DO UPDATE SET "course" = excluded."course" WHERE "DealHistory"."course" IS NULL;

INSERT INTO "DealHistory" ("leadId", "forecasts")
SELECT l."id", (SELECT group_concat(x."occurredAt"
        || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
        || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
      ',' ORDER BY x."occurredAt", x."id")
      FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = l."id"))
FROM "Lead" l WHERE l."id" IN (SELECT d."leadId" FROM "Deal" d WHERE d."id" IN (SELECT x."dealId" FROM "DealForecast" x))
ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = excluded."forecasts" WHERE "DealHistory"."forecasts" IS NULL;
