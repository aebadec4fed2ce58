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
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "routedAt" TIMESTAMP(3),
ADD COLUMN     "routedId" TEXT,
ADD COLUMN     "routedVersion" TEXT,
ADD COLUMN     "scoredAt" TIMESTAMP(3),
ADD COLUMN     "scoredId" TEXT,
ADD COLUMN     "scoredVersion" TEXT;

-- Lead $1's last scoring decision and first routing decision, computed from its decisions onto its
-- row (none: null), once its row of Lead is taken.
CREATE FUNCTION "leadflow_decision_versions_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
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
CREATE FUNCTION "leadflow_decision_versions_new"() RETURNS trigger LANGUAGE plpgsql AS E'
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

CREATE TRIGGER "LeadFunnel_decision_insert" AFTER INSERT ON "Decision"
  REFERENCING NEW TABLE AS new_decisions FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_decision_versions_new"();

-- A decision corrected or deleted recomputes both of its lead, and of the other lead when it moved
-- (in key order).
CREATE FUNCTION "leadflow_decision_versions_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_decision_versions_refresh"(x.id) FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
  ELSE
    PERFORM "leadflow_decision_versions_refresh"(OLD."leadId")\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_decision_change" AFTER UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" OR DELETE ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_decision_versions_changed"();

-- Backfill: the decisions recorded before the triggers, merged with what a trigger wrote in the
-- meantime (a decision written while this runs is kept when it comes last, or first: the row it
-- changed is compared again once its writer commits). One statement per kind.
UPDATE "LeadFunnel" f SET "scoredAt" = r."decidedAt", "scoredId" = r."id", "scoredVersion" = r."rulesetVersion"
FROM (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
  WHERE d."kind" = 'scoring' ORDER BY d."leadId", d."decidedAt" DESC, d."id" COLLATE "C" DESC) r
WHERE f."leadId" = r."leadId" AND (f."scoredAt" IS NULL OR r."decidedAt" > f."scoredAt"
  OR (r."decidedAt" = f."scoredAt" AND r."id" COLLATE "C" > f."scoredId"));

UPDATE "LeadFunnel" f SET "routedAt" = r."decidedAt", "routedId" = r."id", "routedVersion" = r."rulesetVersion"
FROM (SELECT DISTINCT ON (d."leadId") d."leadId", d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
  WHERE d."kind" = 'routing' ORDER BY d."leadId", d."decidedAt", d."id" COLLATE "C") r
WHERE f."leadId" = r."leadId" AND (f."routedAt" IS NULL OR r."decidedAt" < f."routedAt"
  OR (r."decidedAt" = f."routedAt" AND r."id" COLLATE "C" < f."routedId"));
