-- AlterTable
ALTER TABLE "Task" ADD COLUMN "completedBy" TEXT;
ALTER TABLE "Task" ADD COLUMN "createdBy" TEXT;
ALTER TABLE "Task" ADD COLUMN "notes" TEXT;
ALTER TABLE "Task" ADD COLUMN "snoozedAt" DATETIME;

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "nextStep" TEXT;
ALTER TABLE "Deal" ADD COLUMN "nextStepDueOn" TEXT;

-- CreateIndex
CREATE INDEX "Task_dealId_idx" ON "Task"("dealId");
