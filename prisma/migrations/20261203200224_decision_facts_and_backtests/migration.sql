-- AlterTable
ALTER TABLE "Decision" ADD COLUMN "facts" JSONB;

-- CreateTable
CREATE TABLE "BacktestJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "status" TEXT NOT NULL,
    "requestedBy" TEXT,
    "candidate" JSONB NOT NULL,
    "candidateVersion" TEXT NOT NULL,
    "activeVersion" TEXT NOT NULL,
    "kinds" TEXT NOT NULL,
    "since" DATETIME,
    "until" DATETIME,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "BacktestJob_status_idx" ON "BacktestJob"("status");
