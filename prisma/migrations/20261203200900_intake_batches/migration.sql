-- AlterTable
ALTER TABLE "IntakeSubmission" ADD COLUMN "batchId" TEXT;
ALTER TABLE "IntakeSubmission" ADD COLUMN "row" INTEGER;

-- CreateTable
CREATE TABLE "IntakeBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT,
    "campaign" TEXT,
    "fileName" TEXT,
    "received" INTEGER NOT NULL,
    "accepted" INTEGER NOT NULL,
    "alreadyImported" INTEGER NOT NULL,
    "rejected" INTEGER NOT NULL,
    "rowErrors" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "IntakeBatch_tenant_createdAt_idx" ON "IntakeBatch"("tenant", "createdAt");

-- CreateIndex
CREATE INDEX "IntakeSubmission_batchId_state_idx" ON "IntakeSubmission"("batchId", "state");
