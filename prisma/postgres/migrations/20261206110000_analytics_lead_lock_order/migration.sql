-- One lock order for a lead's rows: its row of Lead first, then LeadOwnership's, then LeadFunnel's.
--
-- Since `analytics_funnel_owner`, a change of a lead's owner (routing: its row of Lead, then
-- LeadOwnership's through the triggers) also writes its row of LeadFunnel. The triggers on StageEvent,
-- Interaction, DealForecast and Deal lock or write LeadFunnel's row too (the deal history's refreshes
-- take it as the lead's mutex), and a transaction that writes one of those may write the lead's row
-- afterwards (the journal's transitionStage and closeLeadWithDeal), or a stage event after a
-- forecast (setDealStage). Such a transaction held LeadFunnel's row and waited for Lead's, while a
-- routing of the same lead held Lead's and waited for LeadFunnel's: a deadlock, one of the two
-- rolled back.
--
-- So every write of a stage event or an interaction takes its lead's row of Lead first (FOR NO KEY
-- UPDATE, which a writer of the lead's owner takes too, and a foreign key check does not wait for),
-- before any trigger that locks LeadFunnel runs: for inserts once per statement, in key order, by a
-- trigger whose name sorts before every other (triggers of one event run in name order), for an
-- update of a column those triggers read, or a deletion, before the row changes. The deal history's
-- refreshes (a forecast or a deal written) take it first too. A lead deleted in the same
-- transaction (its events deleted by the cascade) has no row left to take.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons, and no comment holds a semicolon.

-- The rows of Lead of the leads $1, in key order.
CREATE FUNCTION "leadflow_lock_leads"(TEXT[]) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  PERFORM 1 FROM "Lead" l WHERE l."id" = ANY($1) ORDER BY l."id" FOR NO KEY UPDATE\x3B
END ';

-- New stage events or interactions, once per statement, before the triggers that write LeadFunnel.
CREATE FUNCTION "leadflow_lock_new_rows_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY(SELECT DISTINCT "leadId" FROM new_rows))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "0_lead_lock_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_lock_new_rows_leads"();

CREATE TRIGGER "0_lead_lock_interaction_insert" AFTER INSERT ON "Interaction"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_lock_new_rows_leads"();

-- A stage event or an interaction changed or deleted: its lead's row (both leads' when it moved), before the row changes.
CREATE FUNCTION "leadflow_lock_changed_row_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_lock_leads"(ARRAY[OLD."leadId", NEW."leadId"])\x3B
    RETURN NEW\x3B
  END IF\x3B
  PERFORM "leadflow_lock_leads"(ARRAY[OLD."leadId"])\x3B
  RETURN OLD\x3B
END ';

CREATE TRIGGER "0_lead_lock_stage_event_change" BEFORE UPDATE OF "leadId", "toStage", "occurredAt", "rulesetVersion" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lock_changed_row_leads"();

CREATE TRIGGER "0_lead_lock_interaction_change" BEFORE UPDATE OF "leadId", "kind", "occurredAt" OR DELETE ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lock_changed_row_leads"();

-- A row of LeadFunnel inserted outside its lead's transaction (a rebuild of the projection, or a
-- stage event of a lead without one) takes its lead's LeadOwnership row as it copies it (FOR SHARE),
-- in the same order: a change of the owner committed meanwhile is waited for and copied, and one
-- begun after it waits for this insert, whose row its trigger then sees. An upsert of a row that
-- exists (each stage event's) keeps the row's copy, so it copies and takes nothing. A rebuild takes
-- the rows in the order it writes them: run it when no one routes.
CREATE OR REPLACE FUNCTION "leadflow_funnel_owner_fill"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF EXISTS (SELECT 1 FROM "LeadFunnel" f WHERE f."leadId" = NEW."leadId") THEN
    RETURN NEW\x3B
  END IF\x3B
  SELECT o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner"
    INTO NEW."rowOwner", NEW."firstAssignedAt", NEW."lastAssignedAt", NEW."lastOwner"
    FROM "LeadOwnership" o WHERE o."leadId" = NEW."leadId" FOR SHARE\x3B
  RETURN NEW\x3B
END ';

-- The deal history's refreshes of lead $1 (a forecast, a deal or a stage event written): the lead's
-- row of Lead first, then LeadFunnel's as before.
CREATE OR REPLACE FUNCTION "leadflow_deal_course_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY[$1])\x3B
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

CREATE OR REPLACE FUNCTION "leadflow_deal_forecasts_refresh"(TEXT) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY[$1])\x3B
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
