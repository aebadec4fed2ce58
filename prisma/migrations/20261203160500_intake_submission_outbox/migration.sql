-- CreateTable
CREATE TABLE "IntakeSubmission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "journeyId" TEXT NOT NULL,
    "submission" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leasedUntil" DATETIME,
    "outcome" TEXT,
    "submissions" INTEGER,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" DATETIME
);

-- CreateIndex
CREATE INDEX "IntakeSubmission_state_nextAttemptAt_idx" ON "IntakeSubmission"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IntakeSubmission_tenant_leadId_idx" ON "IntakeSubmission"("tenant", "leadId");
