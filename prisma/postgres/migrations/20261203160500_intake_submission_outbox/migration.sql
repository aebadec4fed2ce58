-- CreateTable
CREATE TABLE "IntakeSubmission" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "journeyId" TEXT NOT NULL,
    "submission" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leasedUntil" TIMESTAMP(3),
    "outcome" TEXT,
    "submissions" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "IntakeSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IntakeSubmission_state_nextAttemptAt_idx" ON "IntakeSubmission"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IntakeSubmission_tenant_leadId_idx" ON "IntakeSubmission"("tenant", "leadId");
