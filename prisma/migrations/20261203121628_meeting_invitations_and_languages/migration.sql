-- AlterTable
ALTER TABLE "Contact" ADD COLUMN "language" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Lead" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "email" TEXT,
    "externalId" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "company" TEXT,
    "title" TEXT,
    "phone" TEXT,
    "country" TEXT,
    "source" TEXT NOT NULL,
    "sourceDetails" JSONB NOT NULL,
    "attributes" JSONB NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'new',
    "score" INTEGER NOT NULL DEFAULT 0,
    "ownerId" TEXT,
    "queue" TEXT,
    "journeyId" TEXT NOT NULL,
    "timeZone" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "mqlAt" DATETIME,
    "sqlAt" DATETIME,
    "firstTouchAt" DATETIME,
    "slaDueAt" DATETIME,
    "slaStatus" TEXT NOT NULL DEFAULT 'none',
    "bant" JSONB,
    "disqualifiedReason" TEXT,
    "pinnedRulesVersion" TEXT,
    "journeyStatus" TEXT NOT NULL DEFAULT 'running',
    "attentionReason" TEXT,
    "attentionAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Lead" ("attentionAt", "attentionReason", "attributes", "bant", "company", "country", "createdAt", "disqualifiedReason", "email", "externalId", "firstName", "firstTouchAt", "id", "journeyId", "journeyStatus", "lastName", "mqlAt", "ownerId", "phone", "pinnedRulesVersion", "queue", "score", "slaDueAt", "slaStatus", "source", "sourceDetails", "sqlAt", "stage", "tenant", "timeZone", "title", "updatedAt") SELECT "attentionAt", "attentionReason", "attributes", "bant", "company", "country", "createdAt", "disqualifiedReason", "email", "externalId", "firstName", "firstTouchAt", "id", "journeyId", "journeyStatus", "lastName", "mqlAt", "ownerId", "phone", "pinnedRulesVersion", "queue", "score", "slaDueAt", "slaStatus", "source", "sourceDetails", "sqlAt", "stage", "tenant", "timeZone", "title", "updatedAt" FROM "Lead";
DROP TABLE "Lead";
ALTER TABLE "new_Lead" RENAME TO "Lead";
CREATE INDEX "Lead_tenant_stage_ownerId_idx" ON "Lead"("tenant", "stage", "ownerId");
CREATE INDEX "Lead_slaStatus_idx" ON "Lead"("slaStatus");
CREATE UNIQUE INDEX "Lead_tenant_email_key" ON "Lead"("tenant", "email");
CREATE UNIQUE INDEX "Lead_tenant_externalId_key" ON "Lead"("tenant", "externalId");
CREATE TABLE "new_Rep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'rep',
    "managerId" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "language" TEXT NOT NULL DEFAULT 'en',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "outOfOfficeFrom" DATETIME,
    "outOfOfficeUntil" DATETIME,
    "delegateId" TEXT,
    "maxOpenLeads" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Rep" ("active", "createdAt", "delegateId", "email", "id", "managerId", "maxOpenLeads", "name", "outOfOfficeFrom", "outOfOfficeUntil", "role", "tenant", "timeZone", "updatedAt") SELECT "active", "createdAt", "delegateId", "email", "id", "managerId", "maxOpenLeads", "name", "outOfOfficeFrom", "outOfOfficeUntil", "role", "tenant", "timeZone", "updatedAt" FROM "Rep";
DROP TABLE "Rep";
ALTER TABLE "new_Rep" RENAME TO "Rep";
CREATE UNIQUE INDEX "Rep_tenant_email_key" ON "Rep"("tenant", "email");
CREATE TABLE "new_Meeting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "dealId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "attendees" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "attendance" JSONB,
    "feedback" TEXT,
    "remindedAt" DATETIME,
    "followUpSentAt" DATETIME,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Meeting_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Meeting" ("attendance", "attendees", "createdAt", "createdBy", "dealId", "endsAt", "feedback", "followUpSentAt", "id", "kind", "remindedAt", "startsAt", "status", "title", "updatedAt") SELECT "attendance", "attendees", "createdAt", "createdBy", "dealId", "endsAt", "feedback", "followUpSentAt", "id", "kind", "remindedAt", "startsAt", "status", "title", "updatedAt" FROM "Meeting";
DROP TABLE "Meeting";
ALTER TABLE "new_Meeting" RENAME TO "Meeting";
CREATE INDEX "Meeting_dealId_startsAt_idx" ON "Meeting"("dealId", "startsAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
