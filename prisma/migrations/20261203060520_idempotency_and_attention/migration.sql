-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'processing',
    "lockedUntil" DATETIME,
    "responseStatus" INTEGER,
    "responseBody" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

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
INSERT INTO "new_Lead" ("attributes", "bant", "company", "country", "createdAt", "disqualifiedReason", "email", "externalId", "firstName", "firstTouchAt", "id", "journeyId", "lastName", "mqlAt", "ownerId", "phone", "pinnedRulesVersion", "queue", "score", "slaDueAt", "slaStatus", "source", "sourceDetails", "sqlAt", "stage", "tenant", "timeZone", "title", "updatedAt") SELECT "attributes", "bant", "company", "country", "createdAt", "disqualifiedReason", "email", "externalId", "firstName", "firstTouchAt", "id", "journeyId", "lastName", "mqlAt", "ownerId", "phone", "pinnedRulesVersion", "queue", "score", "slaDueAt", "slaStatus", "source", "sourceDetails", "sqlAt", "stage", "tenant", "timeZone", "title", "updatedAt" FROM "Lead";
DROP TABLE "Lead";
ALTER TABLE "new_Lead" RENAME TO "Lead";
CREATE INDEX "Lead_tenant_stage_ownerId_idx" ON "Lead"("tenant", "stage", "ownerId");
CREATE UNIQUE INDEX "Lead_tenant_email_key" ON "Lead"("tenant", "email");
CREATE UNIQUE INDEX "Lead_tenant_externalId_key" ON "Lead"("tenant", "externalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "IdempotencyRecord_expiresAt_idx" ON "IdempotencyRecord"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_tenant_caller_key_key" ON "IdempotencyRecord"("tenant", "caller", "key");
