-- Each lead's scoring version since when, in LeadFunnel's `scoredSince`: the instant of the first of
-- its scoring decisions that all have its last one's version (the first after the last decision of
-- another version, or its first decision), in the order decidedAt then id in code-point order, as
-- `scoredAt` and `scoredVersion` are kept (`analytics_decision_versions`).
--
-- Why: rule attribution attributes a lead not yet an MQL to its last scoring decision before
-- `asOf`. That decision has `scoredVersion` whenever `scoredSince` is before `asOf`, so the report
-- reads the two instead of `scoredAt`, and LeadFunnel's indexes of the leads created and made MQLs
-- in a window can carry them: the cohorts' statement read the 170 000 leads created in two months
-- at 1M leads by a sequential scan of the table (250 ms). `scoredAt` changes with every re-score and
-- is in no index (an update that changes no indexed column can stay heap-only), while these two
-- change only when a decision of another version comes: for each lead, after an activation.
--
-- Kept by the triggers below, after the ones of `analytics_decision_versions` (triggers of one event
-- run in name order): each recomputes the instant of the leads whose decisions were written,
-- corrected or deleted, and writes it only when it changed, once the leads' rows of Lead are taken
-- (leadflow_lock_leads, in key order, as the decision triggers take them). The recompute reads the
-- lead's decisions by Decision(leadId, decidedAt): the last one, the last of another version, and
-- the first after that (with no other version, the first of all).
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_ro_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "scoredSince" TIMESTAMP(3);

-- Lead $1's scoring version since when, from its decisions (none: null).
CREATE FUNCTION "leadflow_scored_since"(TEXT) RETURNS TIMESTAMP(3) LANGUAGE plpgsql VOLATILE AS E'
DECLARE
  last_version TEXT\x3B
  other_at TIMESTAMP(3)\x3B
  other_id TEXT\x3B
BEGIN
  SELECT d."rulesetVersion" INTO last_version FROM "Decision" d WHERE d."leadId" = $1 AND d."kind" = ''scoring''
    ORDER BY d."decidedAt" DESC, d."id" COLLATE "C" DESC LIMIT 1\x3B
  IF NOT FOUND THEN
    RETURN NULL\x3B
  END IF\x3B
  SELECT d."decidedAt", d."id" INTO other_at, other_id FROM "Decision" d
    WHERE d."leadId" = $1 AND d."kind" = ''scoring'' AND d."rulesetVersion" IS DISTINCT FROM last_version
    ORDER BY d."decidedAt" DESC, d."id" COLLATE "C" DESC LIMIT 1\x3B
  IF NOT FOUND THEN
    RETURN (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = $1 AND d."kind" = ''scoring'')\x3B
  END IF\x3B
  RETURN (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = $1 AND d."kind" = ''scoring''
    AND (d."decidedAt" > other_at OR (d."decidedAt" = other_at AND d."id" COLLATE "C" > other_id COLLATE "C")))\x3B
END ';

-- The leads $1 (in key order): their rows of Lead taken, then each instant recomputed and written when it changed.
CREATE FUNCTION "leadflow_scored_since_refresh"(TEXT[]) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM "leadflow_lock_leads"($1)\x3B
  UPDATE "LeadFunnel" f SET "scoredSince" = s.since
  FROM (SELECT x.id, "leadflow_scored_since"(x.id) AS since FROM unnest($1) AS x(id)) s
  WHERE f."leadId" = s.id AND f."scoredSince" IS DISTINCT FROM s.since\x3B
END ';

-- New scoring decisions, once per statement.
CREATE FUNCTION "leadflow_scored_since_new"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_scored_since_refresh"(ARRAY(SELECT DISTINCT d."leadId" FROM new_decisions d WHERE d."kind" = ''scoring'' ORDER BY 1))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_decision_since_insert" AFTER INSERT ON "Decision"
  REFERENCING NEW TABLE AS new_decisions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_scored_since_new"();

-- A decision corrected: its lead, and the other lead when it moved.
CREATE FUNCTION "leadflow_scored_since_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_scored_since_refresh"(ARRAY(SELECT DISTINCT x.id FROM unnest(ARRAY[OLD."leadId", NEW."leadId"]) AS x(id) ORDER BY 1))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_decision_since_change" AFTER UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_scored_since_changed"();

-- Decisions deleted, once per statement: each lead still there (not deleted with its decisions).
CREATE FUNCTION "leadflow_scored_since_deleted"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_scored_since_refresh"(ARRAY(SELECT DISTINCT o."leadId" FROM old_decisions o
    WHERE o."kind" = ''scoring'' AND EXISTS (SELECT 1 FROM "Lead" l WHERE l."id" = o."leadId") ORDER BY 1))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_decision_since_delete" AFTER DELETE ON "Decision"
  REFERENCING OLD TABLE AS old_decisions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_scored_since_deleted"();

-- Backfill: the decisions recorded before the triggers. leadflow applies migrations at start-up,
-- before it writes.
UPDATE "LeadFunnel" f SET "scoredSince" = "leadflow_scored_since"(f."leadId")
WHERE f."scoredAt" IS NOT NULL;


-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "closedAt", "mqlEventAt", "mqlVersion", "routedAt", "routedVersion", "scoredVersion", "scoredSince");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_ro_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "mqlTouchAt", "qualifiedAt", "slaDueAt", "mqlEventAt", "mqlVersion", "routedAt", "routedVersion", "scoredVersion", "scoredSince");
