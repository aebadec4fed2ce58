-- CreateIndex
CREATE INDEX "Lead_tenant_createdAt_idx" ON "Lead"("tenant", "createdAt");

-- CreateIndex
CREATE INDEX "Lead_tenant_slaDueAt_idx" ON "Lead"("tenant", "slaDueAt");

-- CreateIndex
CREATE INDEX "Interaction_occurredAt_leadId_idx" ON "Interaction"("occurredAt", "leadId");

-- CreateIndex
CREATE INDEX "StageEvent_occurredAt_leadId_idx" ON "StageEvent"("occurredAt", "leadId");
