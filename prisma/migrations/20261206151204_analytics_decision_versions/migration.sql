-- Each lead's last scoring decision and first routing decision in LeadFunnel (prisma/schema.prisma):
-- `scoredAt`, `scoredId` and `scoredVersion`, the instant, id and ruleset version of its last
-- decision of kind `scoring`, and `routedAt`, `routedId` and `routedVersion` of its first of kind
-- `routing`, in the order decidedAt then id (code-point order, as the fact loader reads a lead's
-- decisions). Rule attribution (rulesetOf) reads a lead's version here instead of probing its
-- decisions: at 1M leads the 68 000 leads of a month never made MQLs took 0.3 s of probes.
--
-- Kept by triggers. An insert is an upsert that keeps the later scoring decision and the earlier
-- routing decision of the row's and the new one, so the order of inserts does not matter. A
-- correction or deletion of a decision (leadflow makes neither: a decision is a record of what the
-- rules decided) recomputes both from the lead's decisions. SQLite has one writer at a time.

-- AlterTable
ALTER TABLE "LeadFunnel" ADD COLUMN "routedAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "routedId" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "routedVersion" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "scoredAt" DATETIME;
ALTER TABLE "LeadFunnel" ADD COLUMN "scoredId" TEXT;
ALTER TABLE "LeadFunnel" ADD COLUMN "scoredVersion" TEXT;

-- A new scoring decision replaces the row's when it comes later, a routing decision when it comes first.
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
END;

CREATE TRIGGER "LeadFunnel_decision_insert_routing" AFTER INSERT ON "Decision" FOR EACH ROW
  WHEN NEW."kind" = 'routing' BEGIN
  INSERT INTO "LeadFunnel" ("leadId", "tenant", "createdAt", "source", "campaign", "routedAt", "routedId", "routedVersion")
  SELECT l."id", l."tenant", l."createdAt", l."source", CASE WHEN json_valid(l."sourceDetails") THEN CASE WHEN json_type(l."sourceDetails", '$.campaign') = 'text' THEN json_extract(l."sourceDetails", '$.campaign') END END,
    NEW."decidedAt", NEW."id", NEW."rulesetVersion"
  FROM "Lead" l WHERE l."id" = NEW."leadId"
  ON CONFLICT ("leadId") DO UPDATE SET
    "routedAt" = excluded."routedAt", "routedId" = excluded."routedId", "routedVersion" = excluded."routedVersion"
  WHERE "LeadFunnel"."routedAt" IS NULL
    OR (excluded."routedAt", excluded."routedId") < ("LeadFunnel"."routedAt", "LeadFunnel"."routedId");
END;

-- A decision corrected or deleted recomputes both of its lead, and of the other lead when it moved.
CREATE TRIGGER "LeadFunnel_decision_update" AFTER UPDATE OF "leadId", "kind", "decidedAt", "rulesetVersion" ON "Decision" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    ("scoredAt", "scoredId", "scoredVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring' ORDER BY d."decidedAt" DESC, d."id" DESC LIMIT 1),
    ("routedAt", "routedId", "routedVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'routing' ORDER BY d."decidedAt", d."id" LIMIT 1)
  WHERE "leadId" IN (OLD."leadId", NEW."leadId");
END;

CREATE TRIGGER "LeadFunnel_decision_delete" AFTER DELETE ON "Decision" FOR EACH ROW BEGIN
  UPDATE "LeadFunnel" SET
    ("scoredAt", "scoredId", "scoredVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring' ORDER BY d."decidedAt" DESC, d."id" DESC LIMIT 1),
    ("routedAt", "routedId", "routedVersion") = (
      SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
      WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'routing' ORDER BY d."decidedAt", d."id" LIMIT 1)
  WHERE "leadId" = OLD."leadId";
END;

-- Backfill: the decisions recorded before this migration.
UPDATE "LeadFunnel" SET
  ("scoredAt", "scoredId", "scoredVersion") = (
    SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
    WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'scoring' ORDER BY d."decidedAt" DESC, d."id" DESC LIMIT 1),
  ("routedAt", "routedId", "routedVersion") = (
    SELECT d."decidedAt", d."id", d."rulesetVersion" FROM "Decision" d
    WHERE d."leadId" = "LeadFunnel"."leadId" AND d."kind" = 'routing' ORDER BY d."decidedAt", d."id" LIMIT 1)
WHERE "leadId" IN (SELECT d."leadId" FROM "Decision" d WHERE d."kind" IN ('scoring', 'routing'));
