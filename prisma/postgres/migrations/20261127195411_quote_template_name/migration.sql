-- AlterTable
ALTER TABLE "Quote" ADD COLUMN     "templateName" TEXT;
