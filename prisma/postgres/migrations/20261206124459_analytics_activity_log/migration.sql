-- The activity log (prisma/schema.prisma, model ActivityLog): every activity the activity report
-- counts, kept by triggers, so that the report counts a window's activities by index range instead
-- of reading every interaction of the window and its lead (docs/analytics.md, "The activity log").
-- A touch on a lead (origin lead): an interaction of kind call-logged, email-sent or meeting-booked
-- whose payload names a person as its actor (a JSON string), with its lead's tenant and creation.
-- An activity on a deal (origin deal): a call, email, meeting or demo, with its deal's tenant, lead
-- and creation, when the deal's lead is of the deal's tenant, and the meeting whose outcome it
-- records (idempotency key `<meeting>:outcome`), which the report checks was held.
-- The kinds are LEAD_ACTIVITY's and DEAL_ACTIVITY's (src/usecases/analytics/load-facts.ts): a test
-- (test/analytics/activity-log.int.test.ts) fails when they and these triggers part.
-- Inserts are logged once per statement (imports and demo data write thousands of rows in one).
-- Locks follow the order of migration analytics_lead_lock_order (Lead first): a new interaction's
-- lead is taken before its log row is written, and a corrected deal takes its leads' rows before it
-- writes its activities' rows. A deal activity is logged with its deal read as committed:
-- a correction of the deal waits for the activities being inserted on it, and they for it. A
-- correction of a lead's tenant or creation is not waited for by an activity being logged on its
-- deal, or an interaction's payload being corrected, at the same moment (the app changes neither):
-- after one, empty the log and run the two statements at the end of this migration again.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons, and no comment holds a semicolon.

-- CreateTable
CREATE TABLE "ActivityLog" (
    "origin" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT,
    "leadId" TEXT NOT NULL,
    "dealId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "meetingId" TEXT,

    CONSTRAINT "ActivityLog_pkey" PRIMARY KEY ("origin","id")
);

-- CreateIndex
CREATE INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_idx" ON "ActivityLog"("tenant", "origin", "at", "kind", "actor", "id", "leadId", "createdAt", "dealId", "meetingId");

-- CreateIndex
CREATE INDEX "ActivityLog_leadId_origin_at_idx" ON "ActivityLog"("leadId", "origin", "at");

-- AddForeignKey
ALTER TABLE "ActivityLog" ADD CONSTRAINT "ActivityLog_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- New interactions, once per statement: the touches among them (after "0_lead_lock_interaction_insert"
-- took their leads' rows).
CREATE FUNCTION "leadflow_activity_log_touches_added"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT ''lead'', i."id", l."tenant", i."occurredAt", i."kind", i."payload" ->> ''actor'', i."leadId", NULL, l."createdAt", NULL
  FROM added i JOIN "Lead" l ON l."id" = i."leadId"
  WHERE i."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'') AND jsonb_typeof(i."payload" -> ''actor'') = ''string''\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_interaction_insert" AFTER INSERT ON "Interaction"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_activity_log_touches_added"();

-- An interaction corrected or deleted: its row goes, and a corrected one's is made again. A change
-- of its lead, kind or instant has taken the lead's row before ("0_lead_lock_interaction_change"),
-- one of its payload alone takes none: taking it here, after the interaction's row, could deadlock
-- with a deletion of the lead, whose cascade needs that row.
CREATE FUNCTION "leadflow_activity_log_touch_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = ''lead'' AND "id" = OLD."id"\x3B
  IF TG_OP = ''UPDATE'' THEN
    INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
    SELECT ''lead'', NEW."id", l."tenant", NEW."occurredAt", NEW."kind", NEW."payload" ->> ''actor'', NEW."leadId", NULL, l."createdAt", NULL
    FROM "Lead" l WHERE l."id" = NEW."leadId" AND NEW."kind" IN (''call-logged'', ''email-sent'', ''meeting-booked'')
      AND jsonb_typeof(NEW."payload" -> ''actor'') = ''string''\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_interaction_change" AFTER UPDATE OF "id", "leadId", "kind", "occurredAt", "payload" OR DELETE ON "Interaction"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_activity_log_touch_changed"();

-- New deal activities, once per statement: the calls, emails, meetings and demos among them. Their
-- deals are read after the foreign key's check took them (FOR KEY SHARE): a correction of a deal
-- holds it FOR UPDATE until it commits (leadflow_activity_log_deal_moved), so it is read as
-- committed, and a correction begun after waits for this insert to commit, then sees its rows.
CREATE FUNCTION "leadflow_activity_log_deal_added"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT ''deal'', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN right(a."idempotencyKey", 8) = '':outcome'' THEN left(a."idempotencyKey", -8) END
  FROM added a JOIN "Deal" d ON d."id" = a."dealId" JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
  WHERE a."kind" IN (''call'', ''email'', ''meeting'', ''demo'')\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_deal_activity_insert" AFTER INSERT ON "DealActivity"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_activity_log_deal_added"();

-- The deal activities of deals $1, logged under leads $2 (each deal's lead, before and after a
-- move), made again: found by lead, which the log is indexed by.
CREATE FUNCTION "leadflow_activity_log_deals_refresh"(TEXT[], TEXT[]) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ActivityLog" WHERE "leadId" = ANY($2) AND "origin" = ''deal'' AND "dealId" = ANY($1)\x3B
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT ''deal'', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN right(a."idempotencyKey", 8) = '':outcome'' THEN left(a."idempotencyKey", -8) END
  FROM "DealActivity" a JOIN "Deal" d ON d."id" = a."dealId" JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
  WHERE a."dealId" = ANY($1) AND a."kind" IN (''call'', ''email'', ''meeting'', ''demo'')\x3B
END ';

-- A deal activity corrected or deleted: its row goes, and a corrected one's is made again, its deal
-- read after it is taken FOR KEY SHARE (as an insert reads it).
CREATE FUNCTION "leadflow_activity_log_deal_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = ''deal'' AND "id" = OLD."id"\x3B
  IF TG_OP = ''UPDATE'' THEN
    PERFORM 1 FROM "Deal" d WHERE d."id" = NEW."dealId" FOR KEY SHARE\x3B
    INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
    SELECT ''deal'', NEW."id", d."tenant", NEW."occurredAt", NEW."kind", NEW."actor", d."leadId", d."id", d."createdAt",
      CASE WHEN right(NEW."idempotencyKey", 8) = '':outcome'' THEN left(NEW."idempotencyKey", -8) END
    FROM "Deal" d JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
    WHERE d."id" = NEW."dealId" AND NEW."kind" IN (''call'', ''email'', ''meeting'', ''demo'')\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_deal_activity_change" AFTER UPDATE OF "id", "dealId", "kind", "actor", "occurredAt", "idempotencyKey" OR DELETE ON "DealActivity"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_activity_log_deal_changed"();

-- A deal whose tenant, lead or creation is corrected: the rows of its leads first (the lock order), then
-- its own FOR UPDATE, which waits for the deal activities being inserted on it (their foreign key
-- holds it FOR KEY SHARE) to commit, then its activities are made again.
CREATE FUNCTION "leadflow_activity_log_deal_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_lock_leads"(ARRAY[OLD."leadId", NEW."leadId"])\x3B
  PERFORM 1 FROM "Deal" d WHERE d."id" = NEW."id" FOR UPDATE\x3B
  PERFORM "leadflow_activity_log_deals_refresh"(ARRAY[NEW."id"], ARRAY[OLD."leadId", NEW."leadId"])\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_deal_update" AFTER UPDATE OF "tenant", "leadId", "createdAt" ON "Deal" FOR EACH ROW
  WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."leadId" IS DISTINCT FROM NEW."leadId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "leadflow_activity_log_deal_moved"();

-- A lead whose tenant or creation is corrected: its touches follow, and the activities of its deals
-- are made again (they are logged only while the lead is of the tenant of the deal).
CREATE FUNCTION "leadflow_activity_log_lead_moved"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "ActivityLog" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt" WHERE "origin" = ''lead'' AND "leadId" = NEW."id"\x3B
  PERFORM "leadflow_activity_log_deals_refresh"(ARRAY(SELECT d."id" FROM "Deal" d WHERE d."leadId" = NEW."id"), ARRAY[NEW."id"])\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead" FOR EACH ROW
  WHEN (OLD."tenant" IS DISTINCT FROM NEW."tenant" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "leadflow_activity_log_lead_moved"();

-- New leads, once per statement: the activities of a deal written before its lead (Deal has no
-- foreign key to Lead) are logged now.
CREATE FUNCTION "leadflow_activity_log_leads_added"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_activity_log_deals_refresh"(ARRAY(SELECT d."id" FROM added l JOIN "Deal" d ON d."leadId" = l."id"),
    ARRAY(SELECT l."id" FROM added l))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "ActivityLog_lead_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_activity_log_leads_added"();

-- The activities recorded before this migration.
INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
SELECT 'lead', i."id", l."tenant", i."occurredAt", i."kind", i."payload" ->> 'actor', i."leadId", NULL, l."createdAt", NULL
FROM "Interaction" i JOIN "Lead" l ON l."id" = i."leadId"
WHERE i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND jsonb_typeof(i."payload" -> 'actor') = 'string';

INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
SELECT 'deal', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
  CASE WHEN right(a."idempotencyKey", 8) = ':outcome' THEN left(a."idempotencyKey", -8) END
FROM "DealActivity" a JOIN "Deal" d ON d."id" = a."dealId" JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
WHERE a."kind" IN ('call', 'email', 'meeting', 'demo');
