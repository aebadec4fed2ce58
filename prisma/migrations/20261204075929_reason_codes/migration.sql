-- AlterTable
ALTER TABLE "StageEvent" ADD COLUMN "reasonCode" TEXT;
ALTER TABLE "StageEvent" ADD COLUMN "reasonParams" JSONB;

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "reasonCode" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "reasonParams" JSONB;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN "titleCode" TEXT;
ALTER TABLE "Task" ADD COLUMN "titleParams" JSONB;
