-- Each lead's first close in LeadFunnel (prisma/schema.prisma): `closedAt`, its first stage event to
-- closed-won or closed-lost, and `lostAt`, its first to closed-lost. A deal's first close (closeOf in
-- src/domain/analytics/stages.ts, over its lead's stage events) is then its lead's `closedAt`:
-- won when `wonAt` is that instant and `lostAt` is not, lost when `lostAt` is and `wonAt` is not,
-- and, both at that one instant, whichever event comes first in id order (read from StageEvent, for
-- those few). The win/loss, channels and activity reports find the deals first closed in a window
-- by a range of the index below, instead of reading every closing event of the window and each
-- deal's whole course (docs/analytics.md, "The funnel and stay projections").
--
-- The two columns are kept by triggers of their own, beside those of `analytics_projections`.
-- An insert is an upsert that can only make an instant earlier (LEAST), so the two sets of triggers
-- agree whichever runs first. A correction or deletion recomputes from the lead's events, which is
-- right only if no other transaction is writing that lead's events: each function first takes the
-- per-lead advisory lock of `analytics_projections` (re-entrant, in key order), so a recompute
-- waits for a concurrent writer of the lead to commit and then reads its events.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "lostAt" TIMESTAMP(3);

-- New stage events, once per statement: a closing one can only make the first close earlier.
CREATE FUNCTION "leadflow_first_close_new_stage_events"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || x."leadId", 0))
  FROM (SELECT DISTINCT "leadId" FROM new_events ORDER BY 1) x\x3B
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "closedAt", "lostAt")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN jsonb_typeof(l."sourceDetails" -> ''campaign'') = ''string'' THEN l."sourceDetails" ->> ''campaign'' END, r."closedAt", r."lostAt"
  FROM (
    SELECT s."leadId", MIN(s."occurredAt") AS "closedAt", MIN(CASE WHEN s."toStage" = ''closed-lost'' THEN s."occurredAt" END) AS "lostAt"
    FROM new_events s WHERE s."toStage" IN (''closed-won'', ''closed-lost'') GROUP BY s."leadId") r
  JOIN "Lead" l ON l."id" = r."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "closedAt" = LEAST("LeadFunnel"."closedAt", EXCLUDED."closedAt"),
    "lostAt" = LEAST("LeadFunnel"."lostAt", EXCLUDED."lostAt")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_insert_close" AFTER INSERT ON "StageEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_close_new_stage_events"();

-- New leads, once per statement: closing events written before the lead (in the same statement, or
-- an import with its events first) count too.
CREATE FUNCTION "leadflow_first_close_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "closedAt", "lostAt")
  SELECT n."id", n."tenant", n."createdAt", n."source", CASE WHEN jsonb_typeof(n."sourceDetails" -> ''campaign'') = ''string'' THEN n."sourceDetails" ->> ''campaign'' END, r."closedAt", r."lostAt"
  FROM new_leads n JOIN (
    SELECT s."leadId", MIN(s."occurredAt") AS "closedAt", MIN(CASE WHEN s."toStage" = ''closed-lost'' THEN s."occurredAt" END) AS "lostAt"
    FROM "StageEvent" s WHERE s."leadId" IN (SELECT "id" FROM new_leads) AND s."toStage" IN (''closed-won'', ''closed-lost'')
    GROUP BY s."leadId") r ON r."leadId" = n."id"
  ON CONFLICT ("leadId") DO UPDATE SET
    "closedAt" = LEAST("LeadFunnel"."closedAt", EXCLUDED."closedAt"),
    "lostAt" = LEAST("LeadFunnel"."lostAt", EXCLUDED."lostAt")\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_lead_insert_close" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_first_close_new_leads"();

-- A stage event corrected or deleted recomputes the first close of its lead, and of the other lead
-- when it moved.
CREATE FUNCTION "leadflow_first_close_stage_event_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || x.id, 0))
    FROM (SELECT OLD."leadId" AS id UNION SELECT NEW."leadId" ORDER BY 1) x\x3B
    UPDATE "LeadFunnel" f SET
      "closedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'', ''closed-lost'')),
      "lostAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" = ''closed-lost'')
    WHERE f."leadId" IN (OLD."leadId", NEW."leadId")\x3B
  ELSE
    PERFORM pg_advisory_xact_lock(hashtextextended(''leadflow-stays:'' || OLD."leadId", 0))\x3B
    UPDATE "LeadFunnel" f SET
      "closedAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" IN (''closed-won'', ''closed-lost'')),
      "lostAt" = (SELECT MIN(s."occurredAt") FROM "StageEvent" s WHERE s."leadId" = f."leadId" AND s."toStage" = ''closed-lost'')
    WHERE f."leadId" = OLD."leadId"\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadFunnel_stage_event_change_close" AFTER UPDATE OF "leadId", "toStage", "occurredAt" OR DELETE ON "StageEvent"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_first_close_stage_event_changed"();

-- Backfill: the closing events recorded before the triggers, merged with what a trigger wrote in
-- the meantime.
UPDATE "LeadFunnel" f SET "closedAt" = LEAST(f."closedAt", r."closedAt"), "lostAt" = LEAST(f."lostAt", r."lostAt")
FROM (
  SELECT s."leadId", MIN(s."occurredAt") AS "closedAt", MIN(CASE WHEN s."toStage" = 'closed-lost' THEN s."occurredAt" END) AS "lostAt"
  FROM "StageEvent" s WHERE s."toStage" IN ('closed-won', 'closed-lost') GROUP BY s."leadId") r
WHERE f."leadId" = r."leadId";

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_closedAt_leadId_wonAt_lostAt_source_campa_idx" ON "LeadFunnel"("tenant", "closedAt", "leadId", "wonAt", "lostAt", "source", "campaign");
