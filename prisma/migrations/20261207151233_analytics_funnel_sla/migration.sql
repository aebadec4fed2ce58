-- LeadFunnel carries its lead's first-touch SLA deadline (see the PostgreSQL migration of the same
-- name for why): a row of LeadFunnel takes it when it is written, and follows each change of Lead's
-- `slaDueAt`. SQLite has one writer at a time, so the copy is never stale. The indexes are made
-- after the backfill.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_mqlTouchAt_qualifiedAt_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_mqlAt_createdAt_qualifiedAt_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "slaDueAt" DATETIME;

-- A new row of LeadFunnel: its lead's deadline.
CREATE TRIGGER "LeadFunnel_sla_insert" AFTER INSERT ON "LeadFunnel" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET "slaDueAt" = (SELECT l."slaDueAt" FROM "Lead" l WHERE l."id" = NEW."leadId")
  WHERE "leadId" = NEW."leadId";
END;

-- A lead's deadline set, moved or cleared: its row of LeadFunnel follows.
CREATE TRIGGER "LeadFunnel_lead_sla_update" AFTER UPDATE OF "slaDueAt" ON "Lead" FOR EACH ROW
  WHEN OLD."slaDueAt" IS NOT NEW."slaDueAt" BEGIN
  UPDATE "LeadFunnel" SET "slaDueAt" = NEW."slaDueAt" WHERE "leadId" = NEW."id";
END;

-- Backfill: the rows written before the triggers.
UPDATE "LeadFunnel" SET "slaDueAt" = (SELECT l."slaDueAt" FROM "Lead" l WHERE l."id" = "LeadFunnel"."leadId")
WHERE true;

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_mqlTouchAt_qualifiedAt_slaDueAt_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "mqlTouchAt", "qualifiedAt", "slaDueAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_mqlAt_createdAt_qualifiedAt_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_slaDueAt_idx" ON "LeadFunnel"("tenant", "mqlTouchAt", "leadId", "mqlAt", "createdAt", "qualifiedAt", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "slaDueAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_slaDueAt_leadId_mqlAt_mqlTouchAt_createdAt_qualifiedAt_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "slaDueAt", "leadId", "mqlAt", "mqlTouchAt", "createdAt", "qualifiedAt", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");
