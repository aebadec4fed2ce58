-- AlterTable
ALTER TABLE "RuleActivation" ADD COLUMN "actor" TEXT;
ALTER TABLE "RuleActivation" ADD COLUMN "reason" TEXT;
