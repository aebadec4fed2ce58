-- Each lead's first stage event to `mql` in LeadFunnel (prisma/schema.prisma): `mqlEventAt`, its
-- instant, `mqlEventId`, its id, and `mqlVersion`, the ruleset version it carries (null for none),
-- the first in the order occurredAt then id in code-point order (COLLATE "C", as the fact loader
-- reads a lead's events, whatever the database's collation). Rule
-- attribution by scoring reads the version that scored a lead into MQL here, instead of probing the
-- stage events of every lead it counts (docs/analytics.md, "The funnel and stay projections").
--
-- Kept by the triggers below, beside those of `analytics_projections` and `analytics_first_close`.
-- An insert is an upsert that keeps the earlier of the row's event and the new one, so it agrees
-- with them whichever runs first. A correction or deletion recomputes from the lead's events in
-- `leadflow_first_mql_refresh`, which first takes the per-lead advisory lock of
-- `analytics_projections` (re-entrant, held to the end of the transaction, taken by every writer
-- of stage events): it waits for a concurrent writer of the lead to commit, and its
-- query, in a VOLATILE function, then sees what that writer committed.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "mqlEventAt" TIMESTAMP(3),
ADD COLUMN     "mqlEventId" TEXT,
ADD COLUMN     "mqlVersion" TEXT;

-- Lead $1's first MQL event, computed from its events onto its row (none: all three null).
CREATE FUNCTION "leadflow_first_mql_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || $1, 0))\x3B
  UPDATE "LeadFunnel" f SET ("mqlEventAt", "mqlEventId", "mqlVersion") = (
    SELECT s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
    WHERE s."leadId" = $1 AND s."toStage" = ''mql'' ORDER BY s."occurredAt", s."id" COLLATE "C" LIMIT 1)
  WHERE f."leadId" = $1\x3B
END ';

-- New stage events, once per statement: a new MQL event replaces the row's when it comes first.
CREATE FUNCTION "leadflow_first_mql_new_stage_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || x."leadId", 0))
  FROM (SELECT DISTINCT "leadId" FROM new_events WHERE "toStage" = ''mql'' ORDER BY 1) x\x3B
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlEventAt", "mqlEventId", "mqlVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> ''campaign'') = ''string'' THEN l."sourceDetails" ->> ''campaign'' END,
    r."occurredAt", r."id", r."rulesetVersion"
  FROM (SELECT DISTINCT ON (s."leadId") s."leadId", s."occurredAt", s."id", s."rulesetVersion"
    FROM new_events s WHERE s."toStage" = ''mql'' ORDER BY s."leadId", s."occurredAt", s."id" COLLATE "C") r
  JOIN "Lead" l ON l."id" = r."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlEventAt" = EXCLUDED."mqlEventAt", "mqlEventId" = EXCLUDED."mqlEventId", "mqlVersion" = EXCLUDED."mqlVersion"
  WHERE "LeadFunnel"."mqlEventAt" IS NULL
    OR EXCLUDED."mqlEventAt" < "LeadFunnel"."mqlEventAt"
    OR (EXCLUDED."mqlEventAt" = "LeadFunnel"."mqlEventAt" AND EXCLUDED."mqlEventId" COLLATE "C" < "LeadFunnel"."mqlEventId")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_insert_mql" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_mql_new_stage_events"();

-- New leads, once per statement: MQL events written before the lead (in the same statement, or an
-- import with its events first) count too.
CREATE FUNCTION "leadflow_first_mql_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "mqlEventAt", "mqlEventId", "mqlVersion")
  SELECT n."id", n."tenant", n."createdAt", n."source", CASE WHEN jsonb_typeof(n."sourceDetails" -> ''campaign'') = ''string'' THEN n."sourceDetails" ->> ''campaign'' END,
    r."occurredAt", r."id", r."rulesetVersion"
  FROM new_leads n JOIN (
    SELECT DISTINCT ON (s."leadId") s."leadId", s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
    WHERE s."leadId" IN (SELECT "id" FROM new_leads) AND s."toStage" = ''mql'' ORDER BY s."leadId", s."occurredAt", s."id" COLLATE "C") r
    ON r."leadId" = n."id"
  ON CONFLICT ("leadId") DO UPDATE SET
    "mqlEventAt" = EXCLUDED."mqlEventAt", "mqlEventId" = EXCLUDED."mqlEventId", "mqlVersion" = EXCLUDED."mqlVersion"
  WHERE "LeadFunnel"."mqlEventAt" IS NULL
    OR EXCLUDED."mqlEventAt" < "LeadFunnel"."mqlEventAt"
    OR (EXCLUDED."mqlEventAt" = "LeadFunnel"."mqlEventAt" AND EXCLUDED."mqlEventId" COLLATE "C" < "LeadFunnel"."mqlEventId")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_insert_mql" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_mql_new_leads"();

-- An MQL event corrected or deleted (or an event corrected into one) recomputes the first MQL event
-- of its lead, and of the other lead when it moved (in key order).
CREATE FUNCTION "leadflow_first_mql_stage_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD."toStage" <> ''mql'' AND (TG_OP = ''DELETE'' OR NEW."toStage" <> ''mql'') THEN
    RETURN NULL\x3B
  END IF\x3B
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_first_mql_refresh"(x.id) FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
  ELSE
    PERFORM "leadflow_first_mql_refresh"(OLD."leadId")\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_change_mql" AFTER UPDATE OF "leadId", "toStage", "occurredAt", "rulesetVersion" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_first_mql_stage_event_changed"();

-- Backfill: the MQL events recorded before the triggers, merged with what a trigger wrote in the
-- meantime (an event written while this runs is kept when it comes first: the row it changed is
-- compared again once its writer commits). One statement, no lock per lead: a transaction holds
-- only so many advisory locks. A correction or deletion of an MQL event while this runs is not
-- merged (leadflow makes neither, and deleting a lead deletes its row).
UPDATE "LeadFunnel" f SET "mqlEventAt" = r."occurredAt", "mqlEventId" = r."id", "mqlVersion" = r."rulesetVersion"
FROM (SELECT DISTINCT ON (s."leadId") s."leadId", s."occurredAt", s."id", s."rulesetVersion" FROM "StageEvent" s
  WHERE s."toStage" = 'mql' ORDER BY s."leadId", s."occurredAt", s."id" COLLATE "C") r
WHERE f."leadId" = r."leadId" AND (f."mqlEventAt" IS NULL OR r."occurredAt" < f."mqlEventAt"
  OR (r."occurredAt" = f."mqlEventAt" AND r."id" COLLATE "C" < f."mqlEventId"));
