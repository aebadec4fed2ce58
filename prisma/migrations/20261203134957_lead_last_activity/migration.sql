-- AlterTable
ALTER TABLE "Lead" ADD COLUMN "lastActivityAt" DATETIME;

-- CreateIndex
CREATE INDEX "Lead_tenant_lastActivityAt_idx" ON "Lead"("tenant", "lastActivityAt");

-- Backfill: a lead's last activity is its newest interaction.
UPDATE "Lead" SET "lastActivityAt" = (SELECT MAX("occurredAt") FROM "Interaction" WHERE "Interaction"."leadId" = "Lead"."id");
