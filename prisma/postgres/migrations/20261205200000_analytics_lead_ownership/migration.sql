-- LeadOwnership (prisma/schema.prisma): of each lead, the owner on its row and its first and last
-- assignment, so that a person's reports find the leads their team owned at a moment from index
-- ranges (teamAt, src/usecases/analytics/lead-owners.ts) instead of reading every lead and
-- assignment of the team and probing each lead's assignments (docs/analytics.md, "Whose lead it
-- was"). The `…Key` columns are the emails lowercased (LOWER), as a sight compares them.
--
-- Kept by the triggers below. The owner on the row is copied from the lead as it is written. The
-- assignment columns are recomputed from the lead's assignments once its row is locked (FOR
-- UPDATE, in a statement of its own, so the recomputing statement that follows, in a VOLATILE
-- function, sees what a concurrent writer of the lead committed before it let go of the row: the
-- insert before it, whose conflict check waits for such a writer, already has the same effect).
-- leadflow writes a lead's owner before its assignment in one transaction (routing.ts, record),
-- so a writer of both takes the lead's row, then this one, and a writer of assignments alone
-- (imports, demo data) takes only this one: no two wait for each other in turn. Assignments at one
-- instant are ordered by id in the database's collation, as ownerAt and the fact loader order them.
-- Prisma's PostgreSQL driver adapter splits a migration at every semicolon: the function bodies are
-- E'' strings with \x3B for their semicolons and doubled quotes, and no comment holds a semicolon.

-- CreateTable
CREATE TABLE "LeadOwnership" (
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "rowOwner" TEXT,
    "rowOwnerKey" TEXT,
    "firstAssignedAt" TIMESTAMP(3),
    "lastAssignedAt" TIMESTAMP(3),
    "lastOwner" TEXT,
    "lastOwnerKey" TEXT,

    CONSTRAINT "LeadOwnership_pkey" PRIMARY KEY ("leadId")
);

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_lastOwnerKey_lastAssignedAt_leadId_las_idx" ON "LeadOwnership"("tenant", "lastOwnerKey", "lastAssignedAt", "leadId", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_rowOwnerKey_firstAssignedAt_leadId_row_idx" ON "LeadOwnership"("tenant", "rowOwnerKey", "firstAssignedAt", "leadId", "rowOwner");

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_lastAssignedAt_firstAssignedAt_leadId_idx" ON "LeadOwnership"("tenant", "lastAssignedAt", "firstAssignedAt", "leadId");

-- AddForeignKey
ALTER TABLE "LeadOwnership" ADD CONSTRAINT "LeadOwnership_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The assignment columns of the leads $1 (made from the lead when missing), recomputed once their
-- rows are locked, in key order.
CREATE FUNCTION "leadflow_ownership_refresh"(TEXT[]) RETURNS void LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey")
  SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId") FROM "Lead" l WHERE l."id" = ANY($1)
  ON CONFLICT ("leadId") DO NOTHING\x3B
  PERFORM 1 FROM "LeadOwnership" o WHERE o."leadId" = ANY($1) ORDER BY o."leadId" FOR UPDATE\x3B
  UPDATE "LeadOwnership" o SET "firstAssignedAt" = r."firstAssignedAt", "lastAssignedAt" = r."lastAssignedAt",
    "lastOwner" = r."lastOwner", "lastOwnerKey" = LOWER(r."lastOwner")
  FROM (SELECT x."id" AS "leadId",
      (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = x."id") AS "firstAssignedAt",
      z."assignedAt" AS "lastAssignedAt", z."repEmail" AS "lastOwner"
    FROM unnest($1) AS x("id")
    LEFT JOIN LATERAL (SELECT a."assignedAt", a."repEmail" FROM "Assignment" a WHERE a."leadId" = x."id"
      ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1) z ON true) r
  WHERE o."leadId" = r."leadId"\x3B
END ';

-- New leads, once per statement: their rows, with the assignments written before them (an import
-- with its assignments first).
CREATE FUNCTION "leadflow_ownership_new_leads"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey")
  SELECT n."id", n."tenant", n."ownerId", LOWER(n."ownerId") FROM new_leads n
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = EXCLUDED."tenant", "rowOwner" = EXCLUDED."rowOwner", "rowOwnerKey" = EXCLUDED."rowOwnerKey"\x3B
  PERFORM "leadflow_ownership_refresh"(ARRAY(SELECT DISTINCT a."leadId" FROM "Assignment" a WHERE a."leadId" IN (SELECT "id" FROM new_leads)))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadOwnership_lead_insert" AFTER INSERT ON "Lead"
  REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_ownership_new_leads"();

-- A lead's owner or tenant changed: its row follows, an upsert (a row the backfill is writing is
-- waited for, then updated), with its assignment columns recomputed.
CREATE FUNCTION "leadflow_ownership_lead_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey")
  VALUES (NEW."id", NEW."tenant", NEW."ownerId", LOWER(NEW."ownerId"))
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = EXCLUDED."tenant", "rowOwner" = EXCLUDED."rowOwner", "rowOwnerKey" = EXCLUDED."rowOwnerKey"\x3B
  PERFORM "leadflow_ownership_refresh"(ARRAY[NEW."id"])\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadOwnership_lead_update" AFTER UPDATE OF "ownerId", "tenant" ON "Lead"
  FOR EACH ROW WHEN (OLD."ownerId" IS DISTINCT FROM NEW."ownerId" OR OLD."tenant" IS DISTINCT FROM NEW."tenant")
  EXECUTE FUNCTION "leadflow_ownership_lead_changed"();

-- New assignments, once per statement: their leads' assignment columns.
CREATE FUNCTION "leadflow_ownership_new_assignments"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM "leadflow_ownership_refresh"(ARRAY(SELECT DISTINCT "leadId" FROM new_assignments))\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadOwnership_assignment_insert" AFTER INSERT ON "Assignment"
  REFERENCING NEW TABLE AS new_assignments FOR EACH STATEMENT EXECUTE FUNCTION "leadflow_ownership_new_assignments"();

-- An assignment corrected, moved to another lead or deleted: the assignment columns of its lead,
-- and of the other lead when it moved.
CREATE FUNCTION "leadflow_ownership_assignment_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' THEN
    PERFORM "leadflow_ownership_refresh"(ARRAY[OLD."leadId", NEW."leadId"])\x3B
  ELSE
    PERFORM "leadflow_ownership_refresh"(ARRAY[OLD."leadId"])\x3B
  END IF\x3B
  RETURN NULL\x3B
END ';

CREATE TRIGGER "LeadOwnership_assignment_change" AFTER UPDATE OF "id", "leadId", "repEmail", "assignedAt" OR DELETE ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION "leadflow_ownership_assignment_changed"();

-- Backfill: the leads and assignments recorded before the triggers. A row a trigger has written
-- since is kept, also when its writer commits while this runs (the conflict is checked again once
-- it does). A correction or deletion of an assignment committed while this runs is not merged
-- (leadflow makes neither, and deleting a lead deletes its row).
INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"), f."firstAssignedAt", z."assignedAt", z."repEmail", LOWER(z."repEmail")
FROM "Lead" l
LEFT JOIN (SELECT a."leadId", MIN(a."assignedAt") AS "firstAssignedAt" FROM "Assignment" a GROUP BY a."leadId") f ON f."leadId" = l."id"
LEFT JOIN (SELECT DISTINCT ON (a."leadId") a."leadId", a."assignedAt", a."repEmail" FROM "Assignment" a
  ORDER BY a."leadId", a."assignedAt" DESC, a."id" DESC) z ON z."leadId" = l."id"
ON CONFLICT ("leadId") DO NOTHING;
