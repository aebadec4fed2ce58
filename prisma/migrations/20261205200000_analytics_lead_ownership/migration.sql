-- LeadOwnership: of each lead, the owner on its row and its first and last assignment (see the
-- PostgreSQL migration of the same name for what they hold and why). SQLite has one writer at a
-- time: each trigger recomputes the whole row of the leads it touches from the lead and its
-- assignments, so the order in which two triggers on one event run does not matter. LOWER folds
-- ASCII letters only here (emails are ASCII).

-- CreateTable
CREATE TABLE "LeadOwnership" (
    "leadId" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "rowOwner" TEXT,
    "rowOwnerKey" TEXT,
    "firstAssignedAt" DATETIME,
    "lastAssignedAt" DATETIME,
    "lastOwner" TEXT,
    "lastOwnerKey" TEXT,
    CONSTRAINT "LeadOwnership_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_lastOwnerKey_lastAssignedAt_leadId_lastOwner_idx" ON "LeadOwnership"("tenant", "lastOwnerKey", "lastAssignedAt", "leadId", "lastOwner");

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_rowOwnerKey_firstAssignedAt_leadId_rowOwner_idx" ON "LeadOwnership"("tenant", "rowOwnerKey", "firstAssignedAt", "leadId", "rowOwner");

-- CreateIndex
CREATE INDEX "LeadOwnership_tenant_lastAssignedAt_firstAssignedAt_leadId_idx" ON "LeadOwnership"("tenant", "lastAssignedAt", "firstAssignedAt", "leadId");

-- A new lead: its row, with the assignments written before it (an import with its assignments first).
CREATE TRIGGER "LeadOwnership_lead_insert" AFTER INSERT ON "Lead" FOR EACH ROW BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
  SELECT NEW."id", NEW."tenant", NEW."ownerId", LOWER(NEW."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = NEW."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = NEW."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = NEW."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = NEW."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
  WHERE true
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "rowOwner" = excluded."rowOwner", "rowOwnerKey" = excluded."rowOwnerKey",
    "firstAssignedAt" = excluded."firstAssignedAt", "lastAssignedAt" = excluded."lastAssignedAt", "lastOwner" = excluded."lastOwner", "lastOwnerKey" = excluded."lastOwnerKey";
END;

-- A lead's owner or tenant changed: its row follows.
CREATE TRIGGER "LeadOwnership_lead_update" AFTER UPDATE OF "ownerId", "tenant" ON "Lead" FOR EACH ROW
  WHEN OLD."ownerId" IS NOT NEW."ownerId" OR OLD."tenant" IS NOT NEW."tenant" BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
  SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = l."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
  FROM "Lead" l WHERE l."id" IN (NEW."id")
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "rowOwner" = excluded."rowOwner", "rowOwnerKey" = excluded."rowOwnerKey",
    "firstAssignedAt" = excluded."firstAssignedAt", "lastAssignedAt" = excluded."lastAssignedAt", "lastOwner" = excluded."lastOwner", "lastOwnerKey" = excluded."lastOwnerKey";
END;

-- An assignment written, corrected, moved to another lead or deleted: the row of its lead, and of
-- the other lead when it moved.
CREATE TRIGGER "LeadOwnership_assignment_insert" AFTER INSERT ON "Assignment" FOR EACH ROW BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
  SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = l."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
  FROM "Lead" l WHERE l."id" IN (NEW."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "rowOwner" = excluded."rowOwner", "rowOwnerKey" = excluded."rowOwnerKey",
    "firstAssignedAt" = excluded."firstAssignedAt", "lastAssignedAt" = excluded."lastAssignedAt", "lastOwner" = excluded."lastOwner", "lastOwnerKey" = excluded."lastOwnerKey";
END;

CREATE TRIGGER "LeadOwnership_assignment_update" AFTER UPDATE OF "id", "leadId", "repEmail", "assignedAt" ON "Assignment" FOR EACH ROW BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
  SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = l."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
  FROM "Lead" l WHERE l."id" IN (OLD."leadId", NEW."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "rowOwner" = excluded."rowOwner", "rowOwnerKey" = excluded."rowOwnerKey",
    "firstAssignedAt" = excluded."firstAssignedAt", "lastAssignedAt" = excluded."lastAssignedAt", "lastOwner" = excluded."lastOwner", "lastOwnerKey" = excluded."lastOwnerKey";
END;

CREATE TRIGGER "LeadOwnership_assignment_delete" AFTER DELETE ON "Assignment" FOR EACH ROW BEGIN
  INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
  SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = l."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
  FROM "Lead" l WHERE l."id" IN (OLD."leadId")
  ON CONFLICT ("leadId") DO UPDATE SET "tenant" = excluded."tenant", "rowOwner" = excluded."rowOwner", "rowOwnerKey" = excluded."rowOwnerKey",
    "firstAssignedAt" = excluded."firstAssignedAt", "lastAssignedAt" = excluded."lastAssignedAt", "lastOwner" = excluded."lastOwner", "lastOwnerKey" = excluded."lastOwnerKey";
END;

-- Backfill: the leads and assignments recorded before the triggers (SQLite has one writer: none is
-- written meanwhile).
INSERT INTO "LeadOwnership" ("leadId", "tenant", "rowOwner", "rowOwnerKey", "firstAssignedAt", "lastAssignedAt", "lastOwner", "lastOwnerKey")
SELECT l."id", l."tenant", l."ownerId", LOWER(l."ownerId"),
    (SELECT MIN(a."assignedAt") FROM "Assignment" a WHERE a."leadId" = l."id"),
    (SELECT a."assignedAt" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1),
    (SELECT LOWER(a."repEmail") FROM "Assignment" a WHERE a."leadId" = l."id" ORDER BY a."assignedAt" DESC, a."id" DESC LIMIT 1)
FROM "Lead" l WHERE true
ON CONFLICT ("leadId") DO NOTHING;
