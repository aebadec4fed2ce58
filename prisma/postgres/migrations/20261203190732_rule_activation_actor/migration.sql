-- AlterTable
ALTER TABLE "RuleActivation" ADD COLUMN     "actor" TEXT,
ADD COLUMN     "reason" TEXT;
