-- One lock order for a lead's rows: its row of Lead first, then LeadOwnership's, then LeadFunnel's.
--
-- Since `analytics_funnel_owner`, a change of a lead's owner (routing: its row of Lead, then
-- LeadOwnership's through the triggers) also writes its row of LeadFunnel. The triggers on StageEvent
-- and Interaction write LeadFunnel's row too, and a transaction that writes a stage event may write
-- the lead's row afterwards (the journal's changeStage and closeLeadWithDeal do). Such a transaction
-- held LeadFunnel's row and waited for Lead's, while a routing of the same lead held Lead's and
-- waited for LeadFunnel's: a deadlock, one of the two rolled back.
--
-- So every write of a stage event or an interaction takes its lead's row of Lead first (FOR NO KEY
-- UPDATE, which a writer of the lead's owner takes too, and a foreign key check does not wait for),
-- before the triggers that write LeadFunnel run: for inserts once per statement, in key order, by
-- a trigger whose name sorts before theirs (triggers of one event run in name order), for an update
-- or a deletion before the row changes. A lead not yet written (an import may write its events
-- first) has no row to take: it is taken by its own insert.
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

CREATE TRIGGER "LeadFunnel_0_lead_lock_stage_event_insert" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_lock_new_rows_leads"();

CREATE TRIGGER "LeadFunnel_0_lead_lock_interaction_insert" AFTER INSERT ON "Interaction"
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

CREATE TRIGGER "LeadFunnel_0_lead_lock_stage_event_change" BEFORE UPDATE OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lock_changed_row_leads"();

CREATE TRIGGER "LeadFunnel_0_lead_lock_interaction_change" BEFORE UPDATE OR DELETE ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_lock_changed_row_leads"();

-- A row of LeadFunnel inserted outside its lead's transaction (a rebuild of the projection, or a
-- stage event of a lead without one) takes its lead's LeadOwnership row as it copies it (FOR SHARE),
-- in the same order: a change of the owner committed meanwhile is waited for and copied, and one
-- begun after it waits for this insert, whose row its trigger then sees.
CREATE OR REPLACE FUNCTION "leadflow_funnel_owner_fill"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  SELECT o."rowOwner", o."firstAssignedAt", o."lastAssignedAt", o."lastOwner"
    INTO NEW."rowOwner", NEW."firstAssignedAt", NEW."lastAssignedAt", NEW."lastOwner"
    FROM "LeadOwnership" o WHERE o."leadId" = NEW."leadId" FOR SHARE\x3B
  RETURN NEW\x3B
END ';
