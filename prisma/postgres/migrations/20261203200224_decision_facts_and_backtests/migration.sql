-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "facts" JSONB;

-- CreateTable
CREATE TABLE "BacktestJob" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "status" TEXT NOT NULL,
    "requestedBy" TEXT,
    "candidate" JSONB NOT NULL,
    "candidateVersion" TEXT NOT NULL,
    "activeVersion" TEXT NOT NULL,
    "kinds" TEXT NOT NULL,
    "since" TIMESTAMP(3),
    "until" TIMESTAMP(3),
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BacktestJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BacktestJob_status_idx" ON "BacktestJob"("status");
