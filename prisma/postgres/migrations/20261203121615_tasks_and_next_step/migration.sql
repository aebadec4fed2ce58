-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "completedBy" TEXT,
ADD COLUMN     "createdBy" TEXT,
ADD COLUMN     "notes" TEXT,
ADD COLUMN     "snoozedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "nextStep" TEXT,
ADD COLUMN     "nextStepDueOn" TEXT;

-- CreateIndex
CREATE INDEX "Task_dealId_idx" ON "Task"("dealId");
