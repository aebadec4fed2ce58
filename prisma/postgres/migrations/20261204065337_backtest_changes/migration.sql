-- CreateTable
CREATE TABLE "BacktestChange" (
    "jobId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "sortKey" TEXT NOT NULL,
    "before" TEXT NOT NULL,
    "after" TEXT NOT NULL,
    "flipped" TEXT NOT NULL,
    "change" JSONB NOT NULL,

    CONSTRAINT "BacktestChange_pkey" PRIMARY KEY ("jobId","seq")
);

-- CreateIndex
CREATE INDEX "BacktestChange_jobId_kind_sortKey_seq_idx" ON "BacktestChange"("jobId", "kind", "sortKey", "seq");

-- AddForeignKey
ALTER TABLE "BacktestChange" ADD CONSTRAINT "BacktestChange_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "BacktestJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
