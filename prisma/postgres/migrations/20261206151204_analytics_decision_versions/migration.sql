-- Each lead's last scoring decision and first routing decision in LeadFunnel (prisma/schema.prisma):
-- `scoredAt`, `scoredId` and `scoredVersion`, the instant, id and ruleset version of its last
-- decision of kind `scoring`, and `routedAt`, `routedId` and `routedVersion` of its first of kind
-- `routing`, in the order decidedAt then id in code-point order (COLLATE "C", as the fact loader
-- reads a lead's decisions, whatever the database's collation). Rule attribution (rulesetOf) reads a
-- lead's version here instead of probing its decisions: at 1M leads the 68 000 leads of a month never
-- made MQLs took 0.3 s of probes.
--
-- Kept by the triggers below. An insert, once per statement, is an upsert that keeps the later
-- scoring decision and the earlier routing decision of the row's and the new ones, so the order of
-- inserts does not matter. A correction or deletion of a decision (leadflow makes neither: a decision
-- is a record of what the rules decided, deleted only with its lead) recomputes both from the lead's
-- decisions, in a VOLATILE function whose query sees what a concurrent writer of the lead committed.
-- Both take the leads' rows of Lead first (leadflow_lock_leads, `analytics_lead_lock_order`), before
-- LeadFunnel's: the one lock order of a lead's rows, and the wait that orders two writers of a lead.
-- A correction or deletion takes it before the decision's row changes. So an insert of a decision
-- now waits for a transaction that holds its lead's row (a routing, a stage change), and a
-- transaction that writes decisions of several leads must write them in key order, as for stage
-- events (leadflow writes one decision per transaction).
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN IF NOT EXISTS "routedAt" TIMESTAMP(3),
ADD COLUMN IF NOT EXISTS "routedId" TEXT,
ADD COLUMN IF NOT EXISTS "routedVersion" TEXT,
ADD COLUMN IF NOT EXISTS "scoredAt" TIMESTAMP(3),
ADD COLUMN IF NOT EXISTS "scoredId" TEXT,
ADD COLUMN IF NOT EXISTS "scoredVersion" TEXT;

-- Lead $1's last scoring decision and first routing decision, computed from its decisions onto its
-- row (none: null), once its row of Lead is taken.
CREATE OR REPLACE FUNCTION "leadflow_decision_versions_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY[$1])\x3B
  UPDATE "LeadFunnel" f SET
    ("scoredAt", "scoredId", "scoredVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = $1 AND d."kind" = ''scoring'' ORDER BY d."decidedAt" DESC, d."id" COLLATE "C" DESC LIMIT 1),
    ("routedAt", "routedId", "routedVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = $1 AND d."kind" = ''routing'' ORDER BY d."decidedAt", d."id" COLLATE "C" LIMIT 1)
  WHERE f."leadId" = $1\x3B
END ';

-- New decisions, once per statement: their leads' rows of Lead taken in key order, then a new scoring
-- decision replaces the row's when it comes later, a routing decision when it comes first.
CREATE OR REPLACE FUNCTION "leadflow_decision_versions_new"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY(SELECT DISTINCT d."leadId" FROM new_decisions d WHERE d."kind" IN (''scoring'', ''routing'')))\x3B
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "scoredAt", "scoredId", "scoredVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> ''campaign'') = ''string'' THEN l."sourceDetails" ->> ''campaign'' END,
    r."decidedAt", r."id", r."rulesetVersion"
  FROM (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion"
    FROM new_decisions d WHERE d."kind" = ''scoring'' ORDER BY d."leadId", d."decidedAt" DESC, d."id" COLLATE "C" DESC) r
  JOIN "Lead" l ON l."id" = r."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "scoredAt" = EXCLUDED."scoredAt", "scoredId" = EXCLUDED."scoredId", "scoredVersion" = EXCLUDED."scoredVersion"
  WHERE "LeadFunnel"."scoredAt" IS NULL
    OR EXCLUDED."scoredAt" > "LeadFunnel"."scoredAt"
    OR (EXCLUDED."scoredAt" = "LeadFunnel"."scoredAt" AND EXCLUDED."scoredId" COLLATE "C" > "LeadFunnel"."scoredId")\x3B
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "routedAt", "routedId", "routedVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> ''campaign'') = ''string'' THEN l."sourceDetails" ->> ''campaign'' END,
    r."decidedAt", r."id", r."rulesetVersion"
  FROM (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion"
    FROM new_decisions d WHERE d."kind" = ''routing'' ORDER BY d."leadId", d."decidedAt", d."id" COLLATE "C") r
  JOIN "Lead" l ON l."id" = r."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "routedAt" = EXCLUDED."routedAt", "routedId" = EXCLUDED."routedId", "routedVersion" = EXCLUDED."routedVersion"
  WHERE "LeadFunnel"."routedAt" IS NULL
    OR EXCLUDED."routedAt" < "LeadFunnel"."routedAt"
    OR (EXCLUDED."routedAt" = "LeadFunnel"."routedAt" AND EXCLUDED."routedId" COLLATE "C" < "LeadFunnel"."routedId")\x3B
  RETURN NULL\x3B
END ';

DROP TRIGGER IF EXISTS "LeadFunnel_decision_insert" ON "Decision";

CREATE TRIGGER "LeadFunnel_decision_insert" AFTER INSERT ON "Decision"
  REFERENCING NEW TABLE AS new_decisions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_decision_versions_new"();

-- A decision corrected or deleted takes its lead's row of Lead before the decision's row changes (as
-- the corrections of stage events and interactions do, `analytics_lead_lock_order`): taken after it,
-- a correction that waited for another decision of the lead deadlocked with a deletion of the lead,
-- which holds the lead and waits for the decision.
DROP TRIGGER IF EXISTS "0_lead_lock_decision_change" ON "Decision";

CREATE TRIGGER "0_lead_lock_decision_change" BEFORE UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" OR DELETE ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lock_changed_row_leads"();

-- A decision corrected recomputes both of its lead, and of the other lead when it moved (in key order).
CREATE OR REPLACE FUNCTION "leadflow_decision_versions_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_decision_versions_refresh"(x.id) FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
  RETURN NULL\x3B
END ';

DROP TRIGGER IF EXISTS "LeadFunnel_decision_change" ON "Decision";

CREATE TRIGGER "LeadFunnel_decision_change" AFTER UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_decision_versions_changed"();

-- Decisions deleted, once per statement: each lead still there recomputed once, in key order. A lead
-- deleted with its decisions (the cascade of its deletion) has no row left to recompute: refreshing
-- once per decision made deleting 10 000 leads four times slower.
CREATE OR REPLACE FUNCTION "leadflow_decision_versions_deleted"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_decision_versions_refresh"(x."leadId")
  FROM (SELECT DISTINCT o."leadId" FROM old_decisions o
    WHERE EXISTS (SELECT 1 FROM "Lead" l WHERE l."id" = o."leadId") ORDER BY 1) x\x3B
  RETURN NULL\x3B
END ';

DROP TRIGGER IF EXISTS "LeadFunnel_decision_delete" ON "Decision";

CREATE TRIGGER "LeadFunnel_decision_delete" AFTER DELETE ON "Decision"
  REFERENCING OLD TABLE AS old_decisions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_decision_versions_deleted"();

-- Backfill: the decisions recorded before the triggers, both kinds in one statement (each row is
-- written once), merged with what a trigger wrote in the meantime: a decision written while this
-- runs is kept when it comes last, or first (the row it changed is compared again once its writer
-- commits). The statement holds each row it updates until it ends, so a writer of one of those leads
-- waits for it: at 1M leads the migration ran about 2 minutes. If it fails (a deadlock with such a
-- writer, say), the columns and triggers stay and the migration is marked failed: mark it rolled
-- back and deploy again (every statement above may run twice).
UPDATE "LeadFunnel" f SET
  "scoredAt" = CASE WHEN (x.scored_at IS NOT NULL AND (f."scoredAt" IS NULL OR x.scored_at > f."scoredAt"
    OR (x.scored_at = f."scoredAt" AND x.scored_id COLLATE "C" > f."scoredId"))) THEN x.scored_at ELSE f."scoredAt" END,
  "scoredId" = CASE WHEN (x.scored_at IS NOT NULL AND (f."scoredAt" IS NULL OR x.scored_at > f."scoredAt"
    OR (x.scored_at = f."scoredAt" AND x.scored_id COLLATE "C" > f."scoredId"))) THEN x.scored_id ELSE f."scoredId" END,
  "scoredVersion" = CASE WHEN (x.scored_at IS NOT NULL AND (f."scoredAt" IS NULL OR x.scored_at > f."scoredAt"
    OR (x.scored_at = f."scoredAt" AND x.scored_id COLLATE "C" > f."scoredId"))) THEN x.scored_version ELSE f."scoredVersion" END,
  "routedAt" = CASE WHEN (x.routed_at IS NOT NULL AND (f."routedAt" IS NULL OR x.routed_at < f."routedAt"
    OR (x.routed_at = f."routedAt" AND x.routed_id COLLATE "C" < f."routedId"))) THEN x.routed_at ELSE f."routedAt" END,
  "routedId" = CASE WHEN (x.routed_at IS NOT NULL AND (f."routedAt" IS NULL OR x.routed_at < f."routedAt"
    OR (x.routed_at = f."routedAt" AND x.routed_id COLLATE "C" < f."routedId"))) THEN x.routed_id ELSE f."routedId" END,
  "routedVersion" = CASE WHEN (x.routed_at IS NOT NULL AND (f."routedAt" IS NULL OR x.routed_at < f."routedAt"
    OR (x.routed_at = f."routedAt" AND x.routed_id COLLATE "C" < f."routedId"))) THEN x.routed_version ELSE f."routedVersion" END
FROM (SELECT COALESCE(s."leadId", r."leadId") AS lead_id, s."decidedAt" AS scored_at, s."id" AS scored_id,
    s."rulesetVersion" AS scored_version, r."decidedAt" AS routed_at, r."id" AS routed_id, r."rulesetVersion" AS routed_version
  FROM (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
    WHERE d."kind" = 'scoring' ORDER BY d."leadId", d."decidedAt" DESC, d."id" COLLATE "C" DESC) s
  FULL JOIN (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
    WHERE d."kind" = 'routing' ORDER BY d."leadId", d."decidedAt", d."id" COLLATE "C") r ON r."leadId" = s."leadId") x
WHERE f."leadId" = x.lead_id AND ((x.scored_at IS NOT NULL AND (f."scoredAt" IS NULL OR x.scored_at > f."scoredAt"
    OR (x.scored_at = f."scoredAt" AND x.scored_id COLLATE "C" > f."scoredId")))
  OR (x.routed_at IS NOT NULL AND (f."routedAt" IS NULL OR x.routed_at < f."routedAt"
    OR (x.routed_at = f."routedAt" AND x.routed_id COLLATE "C" < f."routedId"))));
