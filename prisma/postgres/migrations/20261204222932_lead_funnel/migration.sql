-- The funnel projection (prisma/schema.prisma, model LeadFunnel): of each lead the first arrival at each
-- funnel stage, kept by the triggers below on every write of a lead or a stage event, whoever writes
-- it. The stage lists are stagesReaching() of src/domain/analytics/stages.ts: a stage event reaches
-- MQL when its stage is MQL or any later one (a lead can skip stages). `qualifiedAt` is the first
-- stage event out of `new` and `engaged` (for SLA attainment). test/analytics/lead-funnel.int.test.ts
-- requires the table to equal the minimum of the stage events after inserts out of order, corrections
-- and deletions, and the stage lists to equal stagesReaching().

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

    CONSTRAINT "LeadFunnel_pkey" PRIMARY KEY ("leadId")
);

-- Backfill: the leads and stage events recorded before this migration.
INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "qualifiedAt")
SELECT l."id", l."tenant", l."createdAt", r."mqlAt", r."sqlAt", r."opportunityAt", r."wonAt", r."qualifiedAt"
FROM "Lead" l LEFT JOIN (
  SELECT s."leadId",
    MIN(CASE WHEN s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "mqlAt",
    MIN(CASE WHEN s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "sqlAt",
    MIN(CASE WHEN s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') THEN s."occurredAt" END) AS "opportunityAt",
    MIN(CASE WHEN s."toStage" IN ('closed-won') THEN s."occurredAt" END) AS "wonAt",
    MIN(CASE WHEN s."toStage" NOT IN ('new', 'engaged') THEN s."occurredAt" END) AS "qualifiedAt"
  FROM "StageEvent" s GROUP BY s."leadId") r ON r."leadId" = l."id";

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId");

-- AddForeignKey
ALTER TABLE "LeadFunnel" ADD CONSTRAINT "LeadFunnel_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Prisma's PostgreSQL driver adapter runs a migration split at every semicolon (executeScript),
-- so each function body below is an E'' string whose semicolons are written \x3B, and no comment
-- here holds a semicolon.
-- Inserts are handled once per statement, on its transition table: a bulk INSERT (an import, the
-- 5 000-row unnest of the bench generator) costs one join, not one statement per row.
-- New leads start their rows, and the tenant or creation corrected moves its row.
CREATE FUNCTION "leadflow_lead_funnel_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt")
  SELECT n."id", n."tenant", n."createdAt" FROM new_leads n\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_lead_funnel_new_leads"();

CREATE FUNCTION "leadflow_lead_funnel_lead_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt" WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead"
  FOR EACH ROW WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "leadflow_lead_funnel_lead_moved"();

-- New stage events can only make arrivals earlier (LEAST ignores nulls).
CREATE FUNCTION "leadflow_lead_funnel_new_stage_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" f SET
    "mqlAt" = LEAST(f."mqlAt", n."mqlAt"),
    "sqlAt" = LEAST(f."sqlAt", n."sqlAt"),
    "opportunityAt" = LEAST(f."opportunityAt", n."opportunityAt"),
    "wonAt" = LEAST(f."wonAt", n."wonAt"),
    "qualifiedAt" = LEAST(f."qualifiedAt", n."qualifiedAt")
  FROM (
    SELECT s."leadId",
      MIN(CASE WHEN s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "mqlAt",
      MIN(CASE WHEN s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "sqlAt",
      MIN(CASE WHEN s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') THEN s."occurredAt" END) AS "opportunityAt",
      MIN(CASE WHEN s."toStage" IN (''closed-won'') THEN s."occurredAt" END) AS "wonAt",
      MIN(CASE WHEN s."toStage" NOT IN (''new'', ''engaged'') THEN s."occurredAt" END) AS "qualifiedAt"
    FROM new_events s GROUP BY s."leadId") n
  WHERE f."leadId" = n."leadId"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_lead_funnel_new_stage_events"();

-- A stage event corrected or deleted (never by leadflow itself: by hand, or a future correction)
-- recomputes the row of its lead, and of the other lead when it moved.
CREATE FUNCTION "leadflow_lead_funnel_stage_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" f SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" NOT IN (''new'', ''engaged''))
  WHERE f."leadId" = OLD."leadId"\x3B
  IF TG_OP = ''UPDATE'' AND NEW."leadId" <> OLD."leadId" THEN
    UPDATE "LeadFunnel" f SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''mql'', ''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" NOT IN (''new'', ''engaged''))
    WHERE f."leadId" = NEW."leadId"\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_change" AFTER UPDATE OF "leadId", "toStage", "occurredAt" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lead_funnel_stage_event_changed"();
