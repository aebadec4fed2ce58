-- CreateIndex
CREATE INDEX "LeadFunnel_leadId_tenant_opportunityAt_closedAt_wonAt_idx" ON "LeadFunnel"("leadId", "tenant", "opportunityAt", "closedAt", "wonAt");
