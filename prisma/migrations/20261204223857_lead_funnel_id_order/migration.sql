-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_leadId_createdAt_mqlAt_sqlAt_opportunityAt_wonAt_idx" ON "LeadFunnel"("tenant", "leadId", "createdAt", "mqlAt", "sqlAt", "opportunityAt", "wonAt");
