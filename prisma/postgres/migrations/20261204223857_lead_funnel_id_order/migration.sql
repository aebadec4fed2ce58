-- CreateIndex
-- The first ids of a bucket in code-point order (lead-arrivals.ts), read in index order: "leadId"
-- sorts in the C collation here (by hand: Prisma cannot declare an index collation), whatever the
-- database's default collation is.
CREATE INDEX "LeadFunnel_tenant_leadId_createdAt_mqlAt_sqlAt_opportunityA_idx" ON "LeadFunnel"("tenant", "leadId" COLLATE "C", "createdAt", "mqlAt", "sqlAt", "opportunityAt", "wonAt");
