-- DropIndex
DROP INDEX "Assignment_tenant_repEmail_idx";

-- CreateIndex
CREATE INDEX "Lead_tenant_ownerId_id_idx" ON "Lead"("tenant", "ownerId", "id");

-- CreateIndex
CREATE INDEX "Assignment_tenant_repEmail_assignedAt_leadId_idx" ON "Assignment"("tenant", "repEmail", "assignedAt", "leadId");
