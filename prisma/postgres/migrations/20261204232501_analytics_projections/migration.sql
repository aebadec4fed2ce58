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
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "mqlAt" TIMESTAMP(3),
    "sqlAt" TIMESTAMP(3),
    "opportunityAt" TIMESTAMP(3),
    "wonAt" TIMESTAMP(3),
    "qualifiedAt" TIMESTAMP(3),
    "source" TEXT,
    "campaign" TEXT,

    CONSTRAINT "LeadFunnel_pkey" PRIMARY KEY ("leadId")
);

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

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId");

-- CreateIndex
-- The first ids of a bucket in code-point order (lead-arrivals.ts), read in index order: "leadId"
-- sorts in the C collation here (by hand: Prisma cannot declare an index collation).
CREATE INDEX "LeadFunnel_tenant_leadId_createdAt_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "leadId" COLLATE "C", "createdAt", "mqlAt", "sqlAt", "opportunityAt", "wonAt");

-- CreateIndex
CREATE INDEX "StageStay_tenant_leftAt_stage_enteredAt_leadId_leadCreatedA_idx" ON "StageStay"("tenant", "leftAt", "stage", "enteredAt", "leadId", "leadCreatedAt");

-- CreateIndex
CREATE INDEX "StageStay_leadId_idx" ON "StageStay"("leadId");

-- AddForeignKey
ALTER TABLE "LeadFunnel" ADD CONSTRAINT "LeadFunnel_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageStay" ADD CONSTRAINT "StageStay_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Prisma's PostgreSQL driver adapter runs a migration split at every semicolon (executeScript),
-- so each function body below is an E'' string whose semicolons are written \x3B and whose quotes
-- are doubled, and no comment here holds a semicolon.

-- New leads, once per statement on its transition table. A lead whose stage events were written
-- first in the same statement (a CTE) takes its arrivals from them.
CREATE FUNCTION "leadflow_projections_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
  SELECT n."id", n."tenant", n."createdAt", n."source", CASE WHEN jsonb_typeof(n."sourceDetails" -> ''campaign'') = ''string'' THEN n."sourceDetails" ->> ''campaign'' END, r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
  FROM new_leads n LEFT JOIN (
    SELECT s."leadId",
      MIN(CASE WHEN s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "mqlAt",
      MIN(CASE WHEN s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "sqlAt",
      MIN(CASE WHEN s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "opportunityAt",
      MIN(CASE WHEN s."toStage" IN (''closed-won'') THEN s."occurredAt" END) AS "wonAt",
      MIN(CASE WHEN s."toStage" NOT IN (''new'', ''engaged'') THEN s."occurredAt" END) AS "qualifiedAt"
    FROM "StageEvent" s WHERE s."leadId" IN (SELECT "id" FROM new_leads) GROUP BY s."leadId") r ON r."leadId" = n."id"
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = EXCLUDED."tenant", "createdAt" = EXCLUDED."createdAt", "source" = EXCLUDED."source", "campaign" = EXCLUDED."campaign",
    "mqlAt" = LEAST("LeadFunnel"."mqlAt", EXCLUDED."mqlAt"),
    "sqlAt" = LEAST("LeadFunnel"."sqlAt", EXCLUDED."sqlAt"),
    "opportunityAt" = LEAST("LeadFunnel"."opportunityAt", EXCLUDED."opportunityAt"),
    "wonAt" = LEAST("LeadFunnel"."wonAt", EXCLUDED."wonAt"),
    "qualifiedAt" = LEAST("LeadFunnel"."qualifiedAt", EXCLUDED."qualifiedAt")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_projections_new_leads"();

-- A lead whose tenant, creation, source or campaign is corrected: its rows follow.
CREATE FUNCTION "leadflow_projections_lead_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt", "source" = NEW."source",
    "campaign" = CASE WHEN jsonb_typeof(NEW."sourceDetails" -> ''campaign'') = ''string'' THEN NEW."sourceDetails" ->> ''campaign'' END
  WHERE "leadId" = NEW."id"\x3B
  UPDATE "StageStay" SET "tenant" = NEW."tenant", "leadCreatedAt" = NEW."createdAt" WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt", "source", "sourceDetails" ON "Lead"
  FOR EACH ROW WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"
    OR OLD."source" IS DISTINCT FROM NEW."source" OR OLD."sourceDetails" IS DISTINCT FROM NEW."sourceDetails")
  EXECUTE FUNCTION "leadflow_projections_lead_moved"();

-- New stage events, once per statement: arrivals can only become earlier (LEAST ignores nulls, and
-- a lead without its row yet gets one), and the stays of their leads are recomputed. Two writers of
-- the same lead take turns on an advisory lock per lead (in key order), so the second recomputes
-- with the first one's events.
CREATE FUNCTION "leadflow_projections_new_stage_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> ''campaign'') = ''string'' THEN l."sourceDetails" ->> ''campaign'' END, r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
  FROM (
    SELECT s."leadId",
      MIN(CASE WHEN s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "mqlAt",
      MIN(CASE WHEN s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "sqlAt",
      MIN(CASE WHEN s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "opportunityAt",
      MIN(CASE WHEN s."toStage" IN (''closed-won'') THEN s."occurredAt" END) AS "wonAt",
      MIN(CASE WHEN s."toStage" NOT IN (''new'', ''engaged'') THEN s."occurredAt" END) AS "qualifiedAt"
    FROM new_events s GROUP BY s."leadId") r
  JOIN "Lead" l ON l."id" = r."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlAt" = LEAST("LeadFunnel"."mqlAt", EXCLUDED."mqlAt"),
    "sqlAt" = LEAST("LeadFunnel"."sqlAt", EXCLUDED."sqlAt"),
    "opportunityAt" = LEAST("LeadFunnel"."opportunityAt", EXCLUDED."opportunityAt"),
    "wonAt" = LEAST("LeadFunnel"."wonAt", EXCLUDED."wonAt"),
    "qualifiedAt" = LEAST("LeadFunnel"."qualifiedAt", EXCLUDED."qualifiedAt")\x3B
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || x."leadId", 0))
  FROM (SELECT DISTINCT "leadId" FROM new_events ORDER BY 1) x\x3B
  DELETE FROM "StageStay" WHERE "leadId" IN (SELECT "leadId" FROM new_events)\x3B
  INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
  SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
    SELECT s."id", s."leadId", s."toStage", s."occurredAt",
      LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
    FROM "StageEvent" s WHERE s."leadId" IN (SELECT "leadId" FROM new_events)) e
  JOIN "Lead" l ON l."id" = e."leadId"
  WHERE e."leftAt" IS NOT NULL
  ON CONFLICT ("eventId") DO UPDATE SET "leadId" = EXCLUDED."leadId", "tenant" = EXCLUDED."tenant", "leadCreatedAt" = EXCLUDED."leadCreatedAt",
    "stage" = EXCLUDED."stage", "enteredAt" = EXCLUDED."enteredAt", "leftAt" = EXCLUDED."leftAt"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_projections_new_stage_events"();

-- A stage event corrected or deleted (never by leadflow itself: by hand, or a future correction)
-- recomputes the rows of its lead, and of the other lead when it moved.
CREATE FUNCTION "leadflow_projections_stage_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || x.id, 0))
    FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
    UPDATE "LeadFunnel" f SET
      "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'')),
      "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" NOT IN (''new'', ''engaged''))
    WHERE f."leadId" IN (OLD."leadId", NEW."leadId")\x3B
    DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId", NEW."leadId")\x3B
    INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
    SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
      SELECT s."id", s."leadId", s."toStage", s."occurredAt",
        LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
      FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId", NEW."leadId")) e
    JOIN "Lead" l ON l."id" = e."leadId"
    WHERE e."leftAt" IS NOT NULL
    ON CONFLICT ("eventId") DO UPDATE SET "leadId" = EXCLUDED."leadId", "tenant" = EXCLUDED."tenant", "leadCreatedAt" = EXCLUDED."leadCreatedAt",
      "stage" = EXCLUDED."stage", "enteredAt" = EXCLUDED."enteredAt", "leftAt" = EXCLUDED."leftAt"\x3B
  ELSE
    PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || OLD."leadId", 0))\x3B
    UPDATE "LeadFunnel" f SET
      "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
      "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'')),
      "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" NOT IN (''new'', ''engaged''))
    WHERE f."leadId" IN (OLD."leadId")\x3B
    DELETE FROM "StageStay" WHERE "leadId" IN (OLD."leadId")\x3B
    INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
    SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
      SELECT s."id", s."leadId", s."toStage", s."occurredAt",
        LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
      FROM "StageEvent" s WHERE s."leadId" IN (OLD."leadId")) e
    JOIN "Lead" l ON l."id" = e."leadId"
    WHERE e."leftAt" IS NOT NULL
    ON CONFLICT ("eventId") DO UPDATE SET "leadId" = EXCLUDED."leadId", "tenant" = EXCLUDED."tenant", "leadCreatedAt" = EXCLUDED."leadCreatedAt",
      "stage" = EXCLUDED."stage", "enteredAt" = EXCLUDED."enteredAt", "leftAt" = EXCLUDED."leftAt"\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_change" AFTER UPDATE OF "leadId", "toStage", "occurredAt" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_projections_stage_event_changed"();

-- Backfills: the leads and stage events recorded before the triggers. A row a trigger wrote in the
-- meantime is merged with, not overwritten.
INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> 'campaign') = 'string' THEN l."sourceDetails" ->> 'campaign' END, r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
FROM "Lead" l LEFT JOIN (
  SELECT s."leadId",
    MIN(CASE WHEN s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "mqlAt",
    MIN(CASE WHEN s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "sqlAt",
    MIN(CASE WHEN s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "opportunityAt",
    MIN(CASE WHEN s."toStage" IN ('closed-won') THEN s."occurredAt" END) AS "wonAt",
    MIN(CASE WHEN s."toStage" NOT IN ('new', 'engaged') THEN s."occurredAt" END) AS "qualifiedAt"
  FROM "StageEvent" s GROUP BY s."leadId") r ON r."leadId" = l."id"
ON CONFLICT ("leadId") DO UPDATE SET
  "mqlAt" = LEAST("LeadFunnel"."mqlAt", EXCLUDED."mqlAt"),
  "sqlAt" = LEAST("LeadFunnel"."sqlAt", EXCLUDED."sqlAt"),
  "opportunityAt" = LEAST("LeadFunnel"."opportunityAt", EXCLUDED."opportunityAt"),
  "wonAt" = LEAST("LeadFunnel"."wonAt", EXCLUDED."wonAt"),
  "qualifiedAt" = LEAST("LeadFunnel"."qualifiedAt", EXCLUDED."qualifiedAt");

INSERT INTO "StageStay" ("eventId", "leadId", "tenant", "leadCreatedAt", "stage", "enteredAt", "leftAt")
SELECT e."id", e."leadId", l."tenant", l."createdAt", e."toStage", e."occurredAt", e."leftAt" FROM (
  SELECT s."id", s."leadId", s."toStage", s."occurredAt",
    LEAD(s."occurredAt") OVER (PARTITION BY s."leadId" ORDER BY s."occurredAt", s."id" COLLATE "C") AS "leftAt"
  FROM "StageEvent" s) e
JOIN "Lead" l ON l."id" = e."leadId"
WHERE e."leftAt" IS NOT NULL
ON CONFLICT ("eventId") DO NOTHING;
