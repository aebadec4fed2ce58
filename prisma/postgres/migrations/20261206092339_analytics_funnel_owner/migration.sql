-- LeadFunnel carries its lead's LeadOwnership columns (the owner on the lead's row, its first
-- assignment's instant, its last assignment's instant and rep), so that a report of the whole
-- tenant broken down by rep or team reads each arrival's owner at a moment from the arrival's own
-- row, in the index it is read from (ownerOnRow, src/usecases/analytics/lead-owners.ts), instead of
-- looking each lead up: at 1M leads that lookup took 2.6 s of a month's volume by rep.
--
-- Kept by two triggers. A row of LeadFunnel takes the columns of its lead's LeadOwnership row as it
-- is inserted (BEFORE INSERT). Every write of a LeadOwnership row (its insert, and each recompute of
-- leadflow_ownership_refresh) copies the columns to the lead's LeadFunnel row, once per statement.
-- Locks are taken in one order only: a writer of LeadOwnership holds its row, then takes the
-- LeadFunnel row (no writer of LeadFunnel locks a LeadOwnership row), so no two writers wait for
-- each other in turn. A LeadFunnel row is inserted with its lead, by the triggers on Lead, in the
-- lead's own transaction, where LeadOwnership's row is written too: a writer of the lead's
-- assignments in another transaction does not see the lead before it is committed.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons, and no comment holds a semicolon.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "firstAssignedAt" TIMESTAMP(3),
ADD COLUMN     "lastAssignedAt" TIMESTAMP(3),
ADD COLUMN     "lastOwner" TEXT,
ADD COLUMN     "rowOwner" TEXT;

-- A new row of LeadFunnel: its lead's owner columns, when LeadOwnership has its row already (else
-- they are null until LeadOwnership's row is written, which copies them).
CREATE FUNCTION "leadflow_funnel_owner_fill"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  SELECT o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner"
    INTO NEW."rowOwner", NEW."firstAssignedAt", NEW."lastAssignedAt", NEW."lastOwner"
    FROM "LeadOwnership" o WHERE o."leadId" = NEW."leadId"\x3B
  RETURN NEW\x3B
END ';

CREATE TRIGGER "LeadFunnel_owner_insert" BEFORE INSERT ON "LeadFunnel"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_funnel_owner_fill"();

-- Rows of LeadOwnership written or recomputed, once per statement: their leads' rows of LeadFunnel follow.
CREATE FUNCTION "leadflow_funnel_owner_follow"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "LeadFunnel" f SET "rowOwner" = o."rowOwner", "firstAssignedAt" = o."firstAssignedAt",
    "lastAssignedAt" = o."lastAssignedAt", "lastOwner" = o."lastOwner"
  FROM written o WHERE f."leadId" = o."leadId"
    AND (f."rowOwner", f."firstAssignedAt", f."lastAssignedAt", f."lastOwner")
      IS DISTINCT FROM (o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_ownership_insert" AFTER INSERT ON "LeadOwnership"
  REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_funnel_owner_follow"();

CREATE TRIGGER "LeadFunnel_ownership_update" AFTER UPDATE ON "LeadOwnership"
  REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_funnel_owner_follow"();

-- Backfill: the rows written before the triggers. leadflow applies migrations at start-up, before
-- it writes: a LeadOwnership row changed by another writer while this runs could be copied as it was
-- before the change.
UPDATE "LeadFunnel" f SET "rowOwner" = o."rowOwner", "firstAssignedAt" = o."firstAssignedAt",
  "lastAssignedAt" = o."lastAssignedAt", "lastOwner" = o."lastOwner"
FROM "LeadOwnership" o WHERE f."leadId" = o."leadId";


-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_ro_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_sqlAt_createdAt_leadId_rowOwner_firstAssi_idx" ON "LeadFunnel"("tenant", "sqlAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_opportunityAt_createdAt_leadId_rowOwner_f_idx" ON "LeadFunnel"("tenant", "opportunityAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_wonAt_createdAt_leadId_rowOwner_firstAssi_idx" ON "LeadFunnel"("tenant", "wonAt", "createdAt", "leadId", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");
