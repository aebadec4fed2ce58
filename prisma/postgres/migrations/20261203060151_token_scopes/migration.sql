-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'person',
ADD COLUMN     "scopes" TEXT NOT NULL DEFAULT '';
