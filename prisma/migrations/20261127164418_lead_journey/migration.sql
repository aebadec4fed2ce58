-- CreateTable
CREATE TABLE "Rep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'rep',
    "managerId" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "outOfOfficeFrom" DATETIME,
    "outOfOfficeUntil" DATETIME,
    "delegateId" TEXT,
    "maxOpenLeads" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RoutingCounter" (
    "tenant" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "repEmail" TEXT NOT NULL,
    "assigned" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("tenant", "pool", "repEmail")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "repEmail" TEXT,
    "queue" TEXT,
    "pool" TEXT,
    "reason" TEXT NOT NULL,
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "actor" TEXT,
    "rulesetVersion" TEXT,
    "assignedAt" DATETIME NOT NULL,
    "idempotencyKey" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "OutboundEmail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT,
    "toAddress" TEXT NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "template" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "messageId" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "OutboundEmail_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "ownerEmail" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    CONSTRAINT "Task_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CadenceEnrolment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "leadId" TEXT NOT NULL,
    "cadence" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL DEFAULT 0,
    "nextStepName" TEXT,
    "nextStepAt" DATETIME,
    "stoppedReason" TEXT,
    "rulesetVersion" TEXT,
    "enrolledAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CadenceEnrolment_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Lead" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "email" TEXT NOT NULL,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Lead" ("attributes", "company", "country", "createdAt", "email", "externalId", "firstName", "id", "journeyId", "lastName", "ownerId", "phone", "score", "source", "sourceDetails", "stage", "tenant", "title", "updatedAt") SELECT "attributes", "company", "country", "createdAt", "email", "externalId", "firstName", "id", "journeyId", "lastName", "ownerId", "phone", "score", "source", "sourceDetails", "stage", "tenant", "title", "updatedAt" FROM "Lead";
DROP TABLE "Lead";
ALTER TABLE "new_Lead" RENAME TO "Lead";
CREATE INDEX "Lead_tenant_stage_ownerId_idx" ON "Lead"("tenant", "stage", "ownerId");
CREATE INDEX "Lead_tenant_externalId_idx" ON "Lead"("tenant", "externalId");
CREATE UNIQUE INDEX "Lead_tenant_email_key" ON "Lead"("tenant", "email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Rep_tenant_email_key" ON "Rep"("tenant", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_idempotencyKey_key" ON "Assignment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Assignment_leadId_assignedAt_idx" ON "Assignment"("leadId", "assignedAt");

-- CreateIndex
CREATE INDEX "Assignment_tenant_repEmail_idx" ON "Assignment"("tenant", "repEmail");

-- CreateIndex
CREATE INDEX "OutboundEmail_leadId_createdAt_idx" ON "OutboundEmail"("leadId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboundEmail_status_idx" ON "OutboundEmail"("status");

-- CreateIndex
CREATE INDEX "Task_ownerEmail_status_dueAt_idx" ON "Task"("ownerEmail", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_leadId_idx" ON "Task"("leadId");

-- CreateIndex
CREATE INDEX "CadenceEnrolment_leadId_idx" ON "CadenceEnrolment"("leadId");
