-- Each lead's scoring version since when, in LeadFunnel's `scoredSince` (see the PostgreSQL migration
-- of the same name for why): the instant of the first of its scoring decisions that all have its
-- last one's version, in the order decidedAt then id (code-point order, as SQLite compares text).
-- A decision written, corrected or deleted recomputes it for its lead (and the other lead when it
-- moved), from the lead's decisions read by Decision(leadId, decidedAt): the last one, the last of
-- another version, and the first after that (with no other version, the first of all). SQLite has one writer at a time. The
-- indexes are made again after the backfill.

-- DropIndex
DROP INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_mqlTouchAt_qualifiedAt_slaDueAt_mqlEventAt_mqlVersion_routedAt_routedVersion_idx";

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "scoredSince" DATETIME;

-- A new scoring decision: its lead's row takes the decision first (the trigger of
-- `analytics_decision_versions`, made again here so that both run in this order), then recomputes
-- the instant, which an earlier decision of another version recorded afterwards can move.
DROP TRIGGER "LeadFunnel_decision_insert_scoring";

CREATE TRIGGER "LeadFunnel_decision_insert_scoring" AFTER INSERT ON "Decision" FOR EACH ROW
  WHEN NEW."kind" = 'scoring' BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "scoredAt", "scoredId", "scoredVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END,
    NEW."decidedAt", NEW."id", NEW."rulesetVersion"
  FROM "Lead" l WHERE l."id" = NEW."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "scoredAt" = excluded."scoredAt", "scoredId" = excluded."scoredId", "scoredVersion" = excluded."scoredVersion"
  WHERE "LeadFunnel"."scoredAt" IS NULL
    OR (excluded."scoredAt", excluded."scoredId") > ("LeadFunnel"."scoredAt", "LeadFunnel"."scoredId");
  UPDATE "LeadFunnel" SET "scoredSince" = COALESCE(
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'
      AND (d."decidedAt", d."id") > (
        SELECT x."decidedAt", x."id" FROM "Decision" x
        WHERE x."leadId" = "LeadFunnel"."leadId" AND x."kind" = 'scoring' AND x."rulesetVersion" IS NOT (
          SELECT y."rulesetVersion" FROM "Decision" y WHERE y."leadId" = "LeadFunnel"."leadId" AND y."kind" = 'scoring'
          ORDER BY y."decidedAt" DESC, y."id" DESC LIMIT 1)
        ORDER BY x."decidedAt" DESC, x."id" DESC LIMIT 1)),
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'))
  WHERE "leadId" = NEW."leadId";
END;

-- A decision corrected or deleted: the instant of its lead, and of the other lead when it moved.
CREATE TRIGGER "LeadFunnel_decision_since_update" AFTER UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" ON "Decision" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET "scoredSince" = COALESCE(
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'
      AND (d."decidedAt", d."id") > (
        SELECT x."decidedAt", x."id" FROM "Decision" x
        WHERE x."leadId" = "LeadFunnel"."leadId" AND x."kind" = 'scoring' AND x."rulesetVersion" IS NOT (
          SELECT y."rulesetVersion" FROM "Decision" y WHERE y."leadId" = "LeadFunnel"."leadId" AND y."kind" = 'scoring'
          ORDER BY y."decidedAt" DESC, y."id" DESC LIMIT 1)
        ORDER BY x."decidedAt" DESC, x."id" DESC LIMIT 1)),
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'))
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_decision_since_delete" AFTER DELETE ON "Decision" FOR EACH ROW
  WHEN OLD."kind" = 'scoring' BEGIN
  UPDATE "LeadFunnel" SET "scoredSince" = COALESCE(
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'
      AND (d."decidedAt", d."id") > (
        SELECT x."decidedAt", x."id" FROM "Decision" x
        WHERE x."leadId" = "LeadFunnel"."leadId" AND x."kind" = 'scoring' AND x."rulesetVersion" IS NOT (
          SELECT y."rulesetVersion" FROM "Decision" y WHERE y."leadId" = "LeadFunnel"."leadId" AND y."kind" = 'scoring'
          ORDER BY y."decidedAt" DESC, y."id" DESC LIMIT 1)
        ORDER BY x."decidedAt" DESC, x."id" DESC LIMIT 1)),
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'))
  WHERE "leadId" = OLD."leadId";
END;

-- Backfill: the decisions recorded before this migration.
UPDATE "LeadFunnel" SET "scoredSince" = COALESCE(
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'
      AND (d."decidedAt", d."id") > (
        SELECT x."decidedAt", x."id" FROM "Decision" x
        WHERE x."leadId" = "LeadFunnel"."leadId" AND x."kind" = 'scoring' AND x."rulesetVersion" IS NOT (
          SELECT y."rulesetVersion" FROM "Decision" y WHERE y."leadId" = "LeadFunnel"."leadId" AND y."kind" = 'scoring'
          ORDER BY y."decidedAt" DESC, y."id" DESC LIMIT 1)
        ORDER BY x."decidedAt" DESC, x."id" DESC LIMIT 1)),
    (SELECT MIN(d."decidedAt") FROM "Decision" d WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring'))
WHERE "scoredAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_createdAt_leadId_mqlAt_sqlAt_opportunityAt_wonAt_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_closedAt_mqlEventAt_mqlVersion_routedAt_routedVersion_scoredVersion_scoredSince_idx" ON "LeadFunnel"("tenant", "createdAt", "leadId", "mqlAt", "sqlAt", "opportunityAt", "wonAt", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "closedAt", "mqlEventAt", "mqlVersion", "routedAt", "routedVersion", "scoredVersion", "scoredSince");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_mqlTouchAt_qualifiedAt_slaDueAt_mqlEventAt_mqlVersion_routedAt_routedVersion_scoredVersion_scoredSince_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "mqlTouchAt", "qualifiedAt", "slaDueAt", "mqlEventAt", "mqlVersion", "routedAt", "routedVersion", "scoredVersion", "scoredSince");
