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

-- CreateTable
CREATE TABLE "ActivityLog" (
    "origin" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT,
    "leadId" TEXT NOT NULL,
    "dealId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "meetingId" TEXT,

    PRIMARY KEY ("origin", "id"),
    CONSTRAINT "ActivityLog_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ActivityLog_tenant_origin_at_kind_actor_id_leadId_createdAt_dealId_meetingId_idx" ON "ActivityLog"("tenant", "origin", "at", "kind", "actor", "id", "leadId", "createdAt", "dealId", "meetingId");

-- CreateIndex
CREATE INDEX "ActivityLog_leadId_origin_at_idx" ON "ActivityLog"("leadId", "origin", "at");

-- A touch, as the log holds it, of the interaction NEW (nothing for any other interaction).
CREATE TRIGGER "ActivityLog_interaction_insert" AFTER INSERT ON "Interaction" FOR EACH ROW BEGIN
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'lead', NEW."id", l."tenant", NEW."occurredAt", NEW."kind", json_extract(NEW."payload", '$.actor'), NEW."leadId", NULL, l."createdAt", NULL
  FROM "Lead" l WHERE l."id" = NEW."leadId" AND NEW."kind" IN ('call-logged', 'email-sent', 'meeting-booked')
    AND (CASE WHEN json_valid(NEW."payload") THEN json_type(NEW."payload", '$.actor') END) = 'text';
END;

-- An interaction corrected: its row is made again.
CREATE TRIGGER "ActivityLog_interaction_update" AFTER UPDATE OF "id", "leadId", "kind", "occurredAt", "payload" ON "Interaction" FOR EACH ROW BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = 'lead' AND "id" = OLD."id";
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'lead', NEW."id", l."tenant", NEW."occurredAt", NEW."kind", json_extract(NEW."payload", '$.actor'), NEW."leadId", NULL, l."createdAt", NULL
  FROM "Lead" l WHERE l."id" = NEW."leadId" AND NEW."kind" IN ('call-logged', 'email-sent', 'meeting-booked')
    AND (CASE WHEN json_valid(NEW."payload") THEN json_type(NEW."payload", '$.actor') END) = 'text';
END;

CREATE TRIGGER "ActivityLog_interaction_delete" AFTER DELETE ON "Interaction" FOR EACH ROW BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = 'lead' AND "id" = OLD."id";
END;

-- A deal's activity, as the log holds it, of the deal activity NEW.
CREATE TRIGGER "ActivityLog_deal_activity_insert" AFTER INSERT ON "DealActivity" FOR EACH ROW BEGIN
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'deal', NEW."id", d."tenant", NEW."occurredAt", NEW."kind", NEW."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN substr(NEW."idempotencyKey", -8) = ':outcome' THEN substr(NEW."idempotencyKey", 1, length(NEW."idempotencyKey") - 8) END
  FROM "Deal" d JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
  WHERE d."id" = NEW."dealId" AND NEW."kind" IN ('call', 'email', 'meeting', 'demo');
END;

CREATE TRIGGER "ActivityLog_deal_activity_update" AFTER UPDATE OF "id", "dealId", "kind", "actor", "occurredAt", "idempotencyKey" ON "DealActivity" FOR EACH ROW BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = 'deal' AND "id" = OLD."id";
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'deal', NEW."id", d."tenant", NEW."occurredAt", NEW."kind", NEW."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN substr(NEW."idempotencyKey", -8) = ':outcome' THEN substr(NEW."idempotencyKey", 1, length(NEW."idempotencyKey") - 8) END
  FROM "Deal" d JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
  WHERE d."id" = NEW."dealId" AND NEW."kind" IN ('call', 'email', 'meeting', 'demo');
END;

CREATE TRIGGER "ActivityLog_deal_activity_delete" AFTER DELETE ON "DealActivity" FOR EACH ROW BEGIN
  DELETE FROM "ActivityLog" WHERE "origin" = 'deal' AND "id" = OLD."id";
END;

-- A deal whose tenant, lead or creation is corrected: its activities' rows are made again.
CREATE TRIGGER "ActivityLog_deal_update" AFTER UPDATE OF "tenant", "leadId", "createdAt" ON "Deal" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."leadId" IS NOT NEW."leadId" OR OLD."createdAt" IS NOT NEW."createdAt" BEGIN
  DELETE FROM "ActivityLog" WHERE "leadId" IN (OLD."leadId", NEW."leadId") AND "origin" = 'deal' AND "dealId" = OLD."id";
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'deal', a."id", NEW."tenant", a."occurredAt", a."kind", a."actor", NEW."leadId", NEW."id", NEW."createdAt",
    CASE WHEN substr(a."idempotencyKey", -8) = ':outcome' THEN substr(a."idempotencyKey", 1, length(a."idempotencyKey") - 8) END
  FROM "DealActivity" a JOIN "Lead" l ON l."id" = NEW."leadId" AND l."tenant" = NEW."tenant"
  WHERE a."dealId" = NEW."id" AND a."kind" IN ('call', 'email', 'meeting', 'demo');
END;

-- A lead whose tenant or creation is corrected: its touches follow, and the activities of its deals
-- are made again (they are logged only while the lead is of the tenant of the deal).
CREATE TRIGGER "ActivityLog_lead_update" AFTER UPDATE OF "tenant", "createdAt" ON "Lead" FOR EACH ROW
  WHEN OLD."tenant" IS NOT NEW."tenant" OR OLD."createdAt" IS NOT NEW."createdAt" BEGIN
  UPDATE "ActivityLog" SET "tenant" = NEW."tenant", "createdAt" = NEW."createdAt" WHERE "origin" = 'lead' AND "leadId" = NEW."id";
  DELETE FROM "ActivityLog" WHERE "origin" = 'deal' AND "leadId" = NEW."id";
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'deal', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN substr(a."idempotencyKey", -8) = ':outcome' THEN substr(a."idempotencyKey", 1, length(a."idempotencyKey") - 8) END
  FROM "Deal" d JOIN "DealActivity" a ON a."dealId" = d."id"
  WHERE d."leadId" = NEW."id" AND d."tenant" = NEW."tenant" AND a."kind" IN ('call', 'email', 'meeting', 'demo');
END;

-- A new lead: the activities of a deal written before it (Deal has no foreign key to Lead) are
-- logged now.
CREATE TRIGGER "ActivityLog_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
  SELECT 'deal', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
    CASE WHEN substr(a."idempotencyKey", -8) = ':outcome' THEN substr(a."idempotencyKey", 1, length(a."idempotencyKey") - 8) END
  FROM "Deal" d JOIN "DealActivity" a ON a."dealId" = d."id"
  WHERE d."leadId" = NEW."id" AND d."tenant" = NEW."tenant" AND a."kind" IN ('call', 'email', 'meeting', 'demo');
END;

-- The activities recorded before this migration.
INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
SELECT 'lead', i."id", l."tenant", i."occurredAt", i."kind", json_extract(i."payload", '$.actor'), i."leadId", NULL, l."createdAt", NULL
FROM "Interaction" i JOIN "Lead" l ON l."id" = i."leadId"
WHERE i."kind" IN ('call-logged', 'email-sent', 'meeting-booked') AND (CASE WHEN json_valid(i."payload") THEN json_type(i."payload", '$.actor') END) = 'text';

INSERT INTO "ActivityLog" ("origin", "id", "tenant", "at", "kind", "actor", "leadId", "dealId", "createdAt", "meetingId")
SELECT 'deal', a."id", d."tenant", a."occurredAt", a."kind", a."actor", d."leadId", d."id", d."createdAt",
  CASE WHEN substr(a."idempotencyKey", -8) = ':outcome' THEN substr(a."idempotencyKey", 1, length(a."idempotencyKey") - 8) END
FROM "DealActivity" a JOIN "Deal" d ON d."id" = a."dealId" JOIN "Lead" l ON l."id" = d."leadId" AND l."tenant" = d."tenant"
WHERE a."kind" IN ('call', 'email', 'meeting', 'demo');
