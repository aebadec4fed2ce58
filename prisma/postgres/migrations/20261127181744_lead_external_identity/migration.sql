-- DropIndex
DROP INDEX "Lead_tenant_externalId_idx";

-- AlterTable
ALTER TABLE "Lead" ALTER COLUMN "email" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Lead_tenant_externalId_key" ON "Lead"("tenant", "externalId");
