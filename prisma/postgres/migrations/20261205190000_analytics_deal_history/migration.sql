-- DealHistory (prisma/schema.prisma): each lead's deal course and its deal's forecast history, so
-- that the pipeline report reads one row per deal instead of probing every deal's stage events and
-- forecasts (docs/analytics.md, "A deal's course and forecasts on one row"). A table of its own: the
-- other reports scan LeadFunnel, which stays narrow.
--
-- `course`: the lead's stage events to `sql` or a deal stage (DEAL_STAGES, src/rules/facts.ts), as
-- `stage@instant,…` in the order occurredAt then id in code-point order (COLLATE "C", as the fact
-- loader sorts them), the instant in milliseconds since 1970 (instantText, src/db/raw-sql.ts).
-- `forecasts`: the DealForecast rows of the lead's deal, as `instant|category|close date,…` in the
-- same order, a missing category or date, or one holding a `,` or a `|`, written empty. Each is null
-- when there is nothing to list. Neither is cut at a moment: a report reads them up to its `asOf`.
--
-- Kept by the triggers below. Each recomputes a lead's text from its rows, after the lead's
-- LeadFunnel row and then the per-lead advisory lock of `analytics_projections` (re-entrant, held to
-- the end of the transaction, taken by every writer of stage events and, here, of forecasts), in
-- the order the other projections' triggers take them, so no two writers wait for each other in
-- turn: it waits for a concurrent writer of the lead to commit, and its query, a statement of its
-- own in a VOLATILE function, then sees what that writer committed. A deal's forecasts are found through Deal(leadId), so a deal deleted or moved to
-- another lead recomputes both leads' histories. A lead not written yet (an import with its events
-- first) gets its row when it is.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- CreateTable
CREATE TABLE "DealHistory" (
    "leadId" TEXT NOT NULL,
    "course" TEXT,
    "forecasts" TEXT,

    CONSTRAINT "DealHistory_pkey" PRIMARY KEY ("leadId")
);

-- AddForeignKey
ALTER TABLE "DealHistory" ADD CONSTRAINT "DealHistory_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Lead $1's deal course, computed from its stage events onto its row (made if missing).
CREATE FUNCTION "leadflow_deal_course_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" = $1 FOR UPDATE\x3B
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || $1, 0))\x3B
  INSERT INTO "DealHistory" ("leadId", "course")
  SELECT l."id", (
    SELECT string_agg(s."toStage" || ''@'' || CAST(CAST(EXTRACT(EPOCH FROM s."occurredAt") * 1000 AS bigint) AS text), '','' ORDER BY s."occurredAt", s."id" COLLATE "C")
    FROM "StageEvent" s
    WHERE s."leadId" = $1 AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost''))
  FROM "Lead" l WHERE l."id" = $1
  ON CONFLICT ("leadId") DO UPDATE SET "course" = EXCLUDED."course"\x3B
END ';

-- The forecast history of lead $1's deal, computed from its forecasts onto its row (made if missing).
CREATE FUNCTION "leadflow_deal_forecasts_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM 1 FROM "LeadFunnel" f WHERE f."leadId" = $1 FOR UPDATE\x3B
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || $1, 0))\x3B
  INSERT INTO "DealHistory" ("leadId", "forecasts")
  SELECT l."id", (
    SELECT string_agg(CAST(CAST(EXTRACT(EPOCH FROM x."occurredAt") * 1000 AS bigint) AS text)
        || ''|'' || CASE WHEN x."category" LIKE ''%,%'' OR x."category" LIKE ''%|%'' THEN '''' ELSE COALESCE(x."category", '''') END
        || ''|'' || CASE WHEN x."expectedCloseDate" LIKE ''%,%'' OR x."expectedCloseDate" LIKE ''%|%'' THEN '''' ELSE COALESCE(x."expectedCloseDate", '''') END,
      '','' ORDER BY x."occurredAt", x."id" COLLATE "C")
    FROM "DealForecast" x WHERE x."dealId" IN (SELECT d."id" FROM "Deal" d WHERE d."leadId" = $1))
  FROM "Lead" l WHERE l."id" = $1
  ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = EXCLUDED."forecasts"\x3B
END ';

-- New stage events, once per statement: the course of each lead with a new deal-stage or SQL
-- event is recomputed, in key order.
CREATE FUNCTION "leadflow_deal_course_new_stage_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_deal_course_refresh"(x."leadId")
  FROM (SELECT DISTINCT s."leadId" FROM new_events s
    WHERE s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') ORDER BY 1) x\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_deal_course_new_stage_events"();

-- New leads, once per statement: stage events written before the lead (in the same statement, or
-- an import with its events first) make its course, and the forecasts of a deal written before it
-- (a deal has no foreign key to its lead) its history.
CREATE FUNCTION "leadflow_deal_course_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_deal_course_refresh"(x."leadId")
  FROM (SELECT DISTINCT s."leadId" FROM "StageEvent" s WHERE s."leadId" IN (SELECT "id" FROM new_leads)
    AND s."toStage" IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'') ORDER BY 1) x\x3B
  PERFORM "leadflow_deal_forecasts_refresh"(x."leadId")
  FROM (SELECT DISTINCT d."leadId" FROM "Deal" d WHERE d."leadId" IN (SELECT "id" FROM new_leads)
    AND EXISTS (SELECT 1 FROM "DealForecast" x WHERE x."dealId" = d."id") ORDER BY 1) x\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_lead_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_deal_course_new_leads"();

-- A deal-stage or SQL event corrected or deleted (or an event corrected into one) recomputes the
-- course of its lead, and of the other lead when it moved (in key order).
CREATE FUNCTION "leadflow_deal_course_stage_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD."toStage" NOT IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')
    AND (TG_OP = ''DELETE'' OR NEW."toStage" NOT IN (''sql'', ''needs-analysis'', ''presentation'', ''proposal'', ''negotiation'', ''closed-won'', ''closed-lost'')) THEN
    RETURN NULL\x3B
  END IF\x3B
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_deal_course_refresh"(x.id) FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
  ELSE
    PERFORM "leadflow_deal_course_refresh"(OLD."leadId")\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_stage_event_change" AFTER UPDATE OF "leadId", "toStage", "occurredAt" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_deal_course_stage_event_changed"();

-- New forecasts, once per statement: the history of each of their deals' leads is recomputed, in
-- key order.
CREATE FUNCTION "leadflow_deal_forecasts_new_forecasts"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_deal_forecasts_refresh"(x."leadId")
  FROM (SELECT DISTINCT d."leadId" FROM "Deal" d WHERE d."id" IN (SELECT "dealId" FROM new_forecasts) ORDER BY 1) x\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_forecast_insert" AFTER INSERT ON "DealForecast"
  REFERENCING NEW TABLE AS new_forecasts FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_deal_forecasts_new_forecasts"();

-- A forecast corrected, moved to another deal or deleted recomputes the history of its deal's lead,
-- and of the other deal's lead when it moved (in key order).
CREATE FUNCTION "leadflow_deal_forecasts_forecast_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_deal_forecasts_refresh"(x."leadId")
    FROM (SELECT DISTINCT d."leadId" FROM "Deal" d WHERE d."id" IN (OLD."dealId", NEW."dealId") ORDER BY 1) x\x3B
  ELSE
    PERFORM "leadflow_deal_forecasts_refresh"(d."leadId") FROM "Deal" d WHERE d."id" = OLD."dealId"\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_forecast_change" AFTER UPDATE OF "dealId", "occurredAt", "category", "expectedCloseDate" OR DELETE ON "DealForecast"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_deal_forecasts_forecast_changed"();

-- A deal deleted (its forecasts go with it) or moved to another lead recomputes the histories of
-- its lead and of the other one, in key order.
CREATE FUNCTION "leadflow_deal_forecasts_deal_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_deal_forecasts_refresh"(x.id) FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
  ELSE
    PERFORM "leadflow_deal_forecasts_refresh"(OLD."leadId")\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "DealHistory_deal_change" AFTER UPDATE OF "leadId" OR DELETE ON "Deal"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_deal_forecasts_deal_changed"();

-- Backfills: the courses and histories recorded before the triggers. One statement each, no lock
-- per lead (a transaction holds only so many advisory locks): a row a trigger has written since is
-- kept, also when its writer commits while this runs (the conflict is checked again once it does).
-- A correction or deletion committed while this runs is not merged (leadflow makes neither, and
-- deleting a lead deletes its row).
INSERT INTO "DealHistory" ("leadId", "course")
SELECT s."leadId", string_agg(s."toStage" || '@' || CAST(CAST(EXTRACT(EPOCH FROM s."occurredAt") * 1000 AS bigint) AS text), ',' ORDER BY s."occurredAt", s."id" COLLATE "C")
FROM "StageEvent" s
WHERE s."toStage" IN ('sql', 'needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost')
  AND s."leadId" IN (SELECT l."id" FROM "Lead" l)
GROUP BY s."leadId"
ON CONFLICT ("leadId") DO UPDATE SET "course" = EXCLUDED."course" WHERE "DealHistory"."course" IS NULL;

INSERT INTO "DealHistory" ("leadId", "forecasts")
SELECT d."leadId", string_agg(CAST(CAST(EXTRACT(EPOCH FROM x."occurredAt") * 1000 AS bigint) AS text)
    || '|' || CASE WHEN x."category" LIKE '%,%' OR x."category" LIKE '%|%' THEN '' ELSE COALESCE(x."category", '') END
    || '|' || CASE WHEN x."expectedCloseDate" LIKE '%,%' OR x."expectedCloseDate" LIKE '%|%' THEN '' ELSE COALESCE(x."expectedCloseDate", '') END,
  ',' ORDER BY x."occurredAt", x."id" COLLATE "C")
FROM "DealForecast" x JOIN "Deal" d ON d."id" = x."dealId"
GROUP BY d."leadId"
ON CONFLICT ("leadId") DO UPDATE SET "forecasts" = EXCLUDED."forecasts" WHERE "DealHistory"."forecasts" IS NULL;
