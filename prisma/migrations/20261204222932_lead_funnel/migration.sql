-- The funnel projection (prisma/schema.prisma, model LeadFunnel): of each lead the first arrival at each
-- funnel stage, kept by the triggers below on every write of a lead or a stage event, whoever writes
-- it. The stage lists are stagesReaching() of src/domain/analytics/stages.ts: a stage event reaches
-- MQL when its stage is MQL or any later one (a lead can skip stages). `qualifiedAt` is the first
-- stage event out of `new` and `engaged` (for SLA attainment). test/analytics/lead-funnel.int.test.ts
-- requires the table to equal the minimum of the stage events after inserts out of order, corrections
-- and deletions, and the stage lists to equal stagesReaching().

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
    CONSTRAINT "LeadFunnel_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId");

-- A new lead starts its row; the tenant or creation corrected moves it.
CREATE TRIGGER "LeadFunnel_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt") VALUES (NEW."id", NEW."tenant", NEW."createdAt");
END;

CREATE TRIGGER "LeadFunnel_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."createdAt" IS NOT NEW."createdAt" BEGIN
  UPDATE "LeadFunnel" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt" WHERE "leadId" = NEW."id";
END;

-- A new stage event can only make an arrival earlier (one row, by key). A stage event corrected or
-- deleted (never by leadflow itself, but by hand or a future correction) recomputes the row of its lead.
-- Instants are ISO text of the driver adapter of one width, so text order is time order.
CREATE TRIGGER "LeadFunnel_stage_event_insert" AFTER INSERT ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "mqlAt" = CASE WHEN NEW."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') AND ("mqlAt" IS NULL OR NEW."occurredAt" < "mqlAt") THEN NEW."occurredAt" ELSE "mqlAt" END,
    "sqlAt" = CASE WHEN NEW."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') AND ("sqlAt" IS NULL OR NEW."occurredAt" < "sqlAt") THEN NEW."occurredAt" ELSE "sqlAt" END,
    "opportunityAt" = CASE WHEN NEW."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost') AND ("opportunityAt" IS NULL OR NEW."occurredAt" < "opportunityAt") THEN NEW."occurredAt" ELSE "opportunityAt" END,
    "wonAt" = CASE WHEN NEW."toStage" IN ('closed-won') AND ("wonAt" IS NULL OR NEW."occurredAt" < "wonAt") THEN NEW."occurredAt" ELSE "wonAt" END,
    "qualifiedAt" = CASE WHEN NEW."toStage" NOT IN ('new', 'engaged') AND ("qualifiedAt" IS NULL OR NEW."occurredAt" < "qualifiedAt") THEN NEW."occurredAt" ELSE "qualifiedAt" END
  WHERE "leadId" = NEW."leadId";
END;

CREATE TRIGGER "LeadFunnel_stage_event_update" AFTER UPDATE OF "leadId", "toStage", "occurredAt" ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" NOT IN ('new', 'engaged'))
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_stage_event_delete" AFTER DELETE ON "StageEvent" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    "mqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('mql', 'sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "sqlAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "opportunityAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')),
    "wonAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" IN ('closed-won')),
    "qualifiedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = "LeadFunnel"."leadId" AND s."toStage" NOT IN ('new', 'engaged'))
  WHERE "leadId" = OLD."leadId";
END;
