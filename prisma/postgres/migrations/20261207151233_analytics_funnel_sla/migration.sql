-- LeadFunnel carries its lead's first-touch SLA deadline (Lead's `slaDueAt`), so that the speed
-- report reads the leads with an SLA due in its window from one of LeadFunnel's indexes, with the
-- columns it reads of them, as it reads the window's MQLs and first touches: three disjoint ranges of
-- one table. It read them from Lead and matched them with the MQLs in a hash join, 150 of the
-- responses statement's 490 ms at 1M leads. The indexes of the MQLs and the first touches carry the
-- deadline too, for index-only scans, and are made again after the backfill.
--
-- Kept by two triggers. A row of LeadFunnel takes its lead's deadline as it is inserted (BEFORE
-- INSERT), and each change of Lead's `slaDueAt` is copied to the lead's row of LeadFunnel. The lock
-- order is the one of `analytics_lead_lock_order`: the writer of Lead holds the lead's row, then
-- takes LeadFunnel's. A row of LeadFunnel inserted outside its lead's transaction reads the lead's
-- row FOR SHARE, as the owner's copy reads LeadOwnership's: a change committed meanwhile is waited
-- for and copied, and one begun after it waits for this insert, whose row its trigger then sees.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons, and no comment holds a semicolon.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_ro_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_mqlAt_createdAt_qualifi_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "slaDueAt" TIMESTAMP(3);

-- A new row of LeadFunnel: its lead's deadline. An upsert of a row that exists keeps the row's copy.
CREATE FUNCTION "leadflow_funnel_sla_fill"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF EXISTS (SELECT 1 FROM "LeadFunnel" f WHERE f."leadId" = NEW."leadId") THEN
    RETURN NEW\x3B
  END IF\x3B
  SELECT l."slaDueAt" INTO NEW."slaDueAt" FROM "Lead" l WHERE l."id" = NEW."leadId" FOR SHARE\x3B
  RETURN NEW\x3B
END ';

CREATE TRIGGER "LeadFunnel_sla_insert" BEFORE INSERT ON "LeadFunnel"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_funnel_sla_fill"();

-- A lead's deadline set, moved or cleared: its row of LeadFunnel follows.
CREATE FUNCTION "leadflow_funnel_sla_follow"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" SET "slaDueAt" = NEW."slaDueAt" WHERE "leadId" = NEW."id"\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_sla_update" AFTER UPDATE OF "slaDueAt" ON "Lead"
  FOR EACH ROW WHEN (OLD."slaDueAt" IS DISTINCT FROM NEW."slaDueAt")
  EXECUTE FUNCTION "leadflow_funnel_sla_follow"();

-- Backfill: the rows written before the triggers, each only when its copy differs. leadflow applies
-- migrations at start-up, before it writes. In a rolling upgrade, running this again once every
-- process is upgraded mends a deadline changed while it ran, set or cleared.
UPDATE "LeadFunnel" f SET "slaDueAt" = l."slaDueAt"
FROM "Lead" l WHERE f."leadId" = l."id" AND f."slaDueAt" IS DISTINCT FROM l."slaDueAt";


-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_ro_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "mqlTouchAt", "qualifiedAt", "slaDueAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_mqlAt_createdAt_qualifi_idx" ON "LeadFunnel"("tenant", "mqlTouchAt", "leadId", "mqlAt", "createdAt", "qualifiedAt", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "slaDueAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_slaDueAt_leadId_mqlAt_mqlTouchAt_createdA_idx" ON "LeadFunnel"("tenant", "slaDueAt", "leadId", "mqlAt", "mqlTouchAt", "createdAt", "qualifiedAt", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");
