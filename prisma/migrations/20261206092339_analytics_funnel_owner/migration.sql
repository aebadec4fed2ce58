-- LeadFunnel carries its lead's LeadOwnership columns (see the PostgreSQL migration of the same
-- name for why): a row of LeadFunnel takes them when it is written, and follows LeadOwnership's row
-- whenever that is written. SQLite has one writer at a time, so the copy is never stale. The
-- covering indexes of the arrivals are made again with the owner columns, after the backfill.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "firstAssignedAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "lastAssignedAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "lastOwner" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "rowOwner" TEXT;

-- A new row of LeadFunnel: its lead's owner columns, when LeadOwnership has its row already.
CREATE TRIGGER "LeadFunnel_owner_insert" AFTER INSERT ON "LeadFunnel" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET ("rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner") = (SELECT o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner"
    FROM "LeadOwnership" o WHERE o."leadId" = NEW."leadId")
  WHERE "leadId" = NEW."leadId";
END;

-- A row of LeadOwnership written or recomputed: the lead's row of LeadFunnel follows.
CREATE TRIGGER "LeadFunnel_ownership_insert" AFTER INSERT ON "LeadOwnership" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET "rowOwner" = NEW."rowOwner", "firstAssignedAt" = NEW."firstAssignedAt",
    "lastAssignedAt" = NEW."lastAssignedAt", "lastOwner" = NEW."lastOwner"
  WHERE "leadId" = NEW."leadId";
END;

CREATE TRIGGER "LeadFunnel_ownership_update" AFTER UPDATE ON "LeadOwnership" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET "rowOwner" = NEW."rowOwner", "firstAssignedAt" = NEW."firstAssignedAt",
    "lastAssignedAt" = NEW."lastAssignedAt", "lastOwner" = NEW."lastOwner"
  WHERE "leadId" = NEW."leadId";
END;

-- Backfill: the rows written before the triggers.
UPDATE "LeadFunnel" SET ("rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner") = (SELECT o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner"
  FROM "LeadOwnership" o WHERE o."leadId" = "LeadFunnel"."leadId")
WHERE true;


-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");
