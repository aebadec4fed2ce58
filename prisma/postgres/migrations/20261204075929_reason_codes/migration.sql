-- AlterTable
ALTER TABLE "StageEvent" ADD COLUMN     "reasonCode" TEXT,
ADD COLUMN     "reasonParams" JSONB;

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "reasonCode" TEXT,
ADD COLUMN     "reasonParams" JSONB;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "titleCode" TEXT,
ADD COLUMN     "titleParams" JSONB;
