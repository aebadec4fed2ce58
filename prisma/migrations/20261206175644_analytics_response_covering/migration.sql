-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx";

-- DropIndex
DROP INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_idx";

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlAt_createdAt_leadId_source_campaign_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_mqlTouchAt_qualifiedAt_idx" ON "LeadFunnel"("tenant", "mqlAt", "createdAt", "leadId", "source", "campaign", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner", "mqlTouchAt", "qualifiedAt");

-- CreateIndex
CREATE INDEX "LeadFunnel_tenant_mqlTouchAt_leadId_mqlAt_createdAt_qualifiedAt_rowOwner_firstAssignedAt_lastAssignedAt_lastOwner_idx" ON "LeadFunnel"("tenant", "mqlTouchAt", "leadId", "mqlAt", "createdAt", "qualifiedAt", "rowOwner", "firstAssignedAt", "lastAssignedAt", "lastOwner");
