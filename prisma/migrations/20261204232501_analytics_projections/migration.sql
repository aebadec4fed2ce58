-- The analytics projections (prisma/schema.prisma, models LeadFunnel and StageStay), kept by the
-- triggers below on every write of a lead or a stage event, whoever writes it (docs/analytics.md,
-- "The funnel and stay projections"). LeadFunnel: of each lead the first stage event reaching each
-- funnel stage (the lists are stagesReaching() of src/domain/analytics/stages.ts: a stage event
-- reaches MQL when its stage is MQL or any later one), the first out of `new` and `engaged`, and the
-- source and campaign of the lead. StageStay: every ended stay, a stage event and the instant of the
-- next one in the order occurredAt then id (code-point order, as the loader sorts them).
-- test/analytics/lead-funnel.int.test.ts and stage-stay.int.test.ts require both tables to equal
-- these definitions after every kind of write, and the backfills below to give the same rows.
--
-- Order, for an installation that keeps writing while it migrates (a rolling deploy): the tables and
-- their indexes (empty, so no long lock), then the triggers, then the backfills. A row written after
-- a trigger exists is kept by it, and the backfills merge (ON CONFLICT) instead of overwriting it.

-- CreateTable
CREATE TABLE "LeadFunnel" (
    "leadId" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "mqlAt" DATETIME,
    "sqlAt" DATETIME,
    "opportunityAt" DATETIME,
    "wonAt" DATETIME,
    "qualifiedAt" DATETIME,
    "source" TEXT,
    "campaign" TEXT,
    CONSTRAINT "LeadFunnel_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_leadId_createdAt_mqlAt_sqlAt_opportunityAt_wonAt_idx" ON "LeadFunnel"("tenant", "leadId", "createdAt", "mqlAt", "sqlAt", "opportunityAt", "wonAt");

-- CreateIndex
CREATE INDEX "StageStay_tenant_leftAt_stage_enteredAt_leadId_leadCreatedAt_idx" ON "StageStay"("tenant", "leftAt", "stage", "enteredAt", "leadId", "leadCreatedAt");

-- CreateIndex
CREATE INDEX "StageStay_leadId_idx" ON "StageStay"("leadId");

-- SQLite has no statement triggers: the same statements run once per row. MIN(a, b) is null when
-- either is, hence COALESCE(MIN(a, b), a, b) for the earlier of two instants, either maybe null.
-- Instants are the ISO text of the driver adapter, of one width, so text order is time order.

-- A new lead starts its row, with the arrivals of stage events written before it (an import that
-- writes events first, with foreign keys off).
CREATE TRIGGER "LeadFunnel_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
  SELECT NEW."id", NEW."tenant", NEW."createdAt", NEW."source", CASE WHEN json_valid(NEW."sourceDetails") THEN CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END END,
    r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
  FROM (SELECT
      MIN(CASE WHEN s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "mqlAt",
      MIN(CASE WHEN s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "sqlAt",
      MIN(CASE WHEN s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "opportunityAt",
      MIN(CASE WHEN s."toStage" IN ('closed-won') THEN s."occurredAt" END) AS "wonAt",
      MIN(CASE WHEN s."toStage" NOT IN ('new', 'engaged') THEN s."occurredAt" END) AS "qualifiedAt"
    FROM "StageEvent" s WHERE s."leadId" = NEW."id") r WHERE true
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "createdAt" = excluded."createdAt", "source" = excluded."source", "campaign" = excluded."campaign",
    "mqlAt" = COALESCE(MIN("LeadFunnel"."mqlAt", excluded."mqlAt"), "LeadFunnel"."mqlAt", excluded."mqlAt"),
    "sqlAt" = COALESCE(MIN("LeadFunnel"."sqlAt", excluded."sqlAt"), "LeadFunnel"."sqlAt", excluded."sqlAt"),
    "opportunityAt" = COALESCE(MIN("LeadFunnel"."opportunityAt", excluded."opportunityAt"), "LeadFunnel"."opportunityAt", excluded."opportunityAt"),
    "wonAt" = COALESCE(MIN("LeadFunnel"."wonAt", excluded."wonAt"), "LeadFunnel"."wonAt", excluded."wonAt"),
    "qualifiedAt" = COALESCE(MIN("LeadFunnel"."qualifiedAt", excluded."qualifiedAt"), "LeadFunnel"."qualifiedAt", excluded."qualifiedAt");
END;

-- A lead whose tenant, creation, source or campaign is corrected: its rows follow.
CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt", "source", "sourceDetails" ON "Lead" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."createdAt" IS NOT NEW."createdAt"
    OR OLD."source" IS NOT NEW."source" OR OLD."sourceDetails" IS NOT NEW."sourceDetails" BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt", "source" = NEW."source",
    "campaign" = CASE WHEN json_valid(NEW."sourceDetails") THEN CASE WHEN json_type(NEW."sourceDetails", '$.campaign') = 'text' THEN json_extract(NEW."sourceDetails", '$.campaign') END END
  WHERE "leadId" = NEW."id";
  UPDATE "StageStay" SET "tenant" = NEW."tenant", "leadCreatedAt" = NEW."createdAt" WHERE "leadId" = NEW."id";
END;

-- A new stage event can only make arrivals earlier (a lead without its row yet gets one), and
-- recomputes the stays of its lead.
CREATE TRIGGER "LeadFunnel_stage_event_insert" AFTER INSERT ON "StageEvent" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END,
    CASE WHEN NEW."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN NEW."occurredAt" END, CASE WHEN NEW."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN NEW."occurredAt" END, CASE WHEN NEW."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN NEW."occurredAt" END, CASE WHEN NEW."toStage" IN ('closed-won') THEN NEW."occurredAt" END, CASE WHEN NEW."toStage" NOT IN ('new', 'engaged') THEN NEW."occurredAt" END
  FROM "Lead" l WHERE l."id" = NEW."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlAt" = COALESCE(MIN("LeadFunnel"."mqlAt", excluded."mqlAt"), "LeadFunnel"."mqlAt", excluded."mqlAt"),
    "sqlAt" = COALESCE(MIN("LeadFunnel"."sqlAt", excluded."sqlAt"), "LeadFunnel"."sqlAt", excluded."sqlAt"),
    "opportunityAt" = COALESCE(MIN("LeadFunnel"."opportunityAt", excluded."opportunityAt"), "LeadFunnel"."opportunityAt", excluded."opportunityAt"),
    "wonAt" = COALESCE(MIN("LeadFunnel"."wonAt", excluded."wonAt"), "LeadFunnel"."wonAt", excluded."wonAt"),
    "qualifiedAt" = COALESCE(MIN("LeadFunnel"."qualifiedAt", excluded."qualifiedAt"), "LeadFunnel"."qualifiedAt", excluded."qualifiedAt");
  DELETE FROM "StageStay" WHERE "leadId" IN (NEW."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (NEW."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL
  ON CONFLICT ("eventId") DO UPDATE SET "leadId" = excluded."leadId", "tenant" = excluded."tenant", "leadCreatedAt" = excluded."leadCreatedAt",
    "stage" = excluded."stage", "enteredAt" = excluded."enteredAt", "leftAt" = excluded."leftAt";
END;

-- A stage event corrected or deleted (never by leadflow itself: by hand, or a future correction)
-- recomputes the rows of its lead, and of the other lead when it moved.
CREATE TRIGGER "LeadFunnel_stage_event_update" AFTER UPDATE OF "leadId", "toStage", "occurredAt" ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" NOT IN ('new', 'engaged'))
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
  DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId", NEW."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId", NEW."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL
  ON CONFLICT ("eventId") DO UPDATE SET "leadId" = excluded."leadId", "tenant" = excluded."tenant", "leadCreatedAt" = excluded."leadCreatedAt",
    "stage" = excluded."stage", "enteredAt" = excluded."enteredAt", "leftAt" = excluded."leftAt";
END;

CREATE TRIGGER "LeadFunnel_stage_event_delete" AFTER DELETE ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" NOT IN ('new', 'engaged'))
  WHERE "leadId" = OLD."leadId";
  DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId");
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId")) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL
  ON CONFLICT ("eventId") DO UPDATE SET "leadId" = excluded."leadId", "tenant" = excluded."tenant", "leadCreatedAt" = excluded."leadCreatedAt",
    "stage" = excluded."stage", "enteredAt" = excluded."enteredAt", "leftAt" = excluded."leftAt";
END;

-- Backfills: the leads and stage events recorded before this migration.
INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END, r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
FROM "Lead" l LEFT JOIN (
  SELECT s."leadId",
    MIN(CASE WHEN s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "mqlAt",
    MIN(CASE WHEN s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "sqlAt",
    MIN(CASE WHEN s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "opportunityAt",
    MIN(CASE WHEN s."toStage" IN ('closed-won') THEN s."occurredAt" END) AS "wonAt",
    MIN(CASE WHEN s."toStage" NOT IN ('new', 'engaged') THEN s."occurredAt" END) AS "qualifiedAt"
  FROM "StageEvent" s GROUP BY s."leadId") r ON r."leadId" = l."id"
WHERE true
ON CONFLICT ("leadId") DO UPDATE SET
  "mqlAt" = COALESCE(MIN("LeadFunnel"."mqlAt", excluded."mqlAt"), "LeadFunnel"."mqlAt", excluded."mqlAt"),
  "sqlAt" = COALESCE(MIN("LeadFunnel"."sqlAt", excluded."sqlAt"), "LeadFunnel"."sqlAt", excluded."sqlAt"),
  "opportunityAt" = COALESCE(MIN("LeadFunnel"."opportunityAt", excluded."opportunityAt"), "LeadFunnel"."opportunityAt", excluded."opportunityAt"),
  "wonAt" = COALESCE(MIN("LeadFunnel"."wonAt", excluded."wonAt"), "LeadFunnel"."wonAt", excluded."wonAt"),
  "qualifiedAt" = COALESCE(MIN("LeadFunnel"."qualifiedAt", excluded."qualifiedAt"), "LeadFunnel"."qualifiedAt", excluded."qualifiedAt");

INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
  SELECT s."id", s."leadId", s."toStage", s."occurredAt",
    LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id") AS "leftAt"
  FROM "StageEvent" s) e
JOIN "Lead" l ON l."id" = e."leadId"
WHERE e."leftAt" IS NOT NULL
ON CONFLICT ("eventId") DO NOTHING;
