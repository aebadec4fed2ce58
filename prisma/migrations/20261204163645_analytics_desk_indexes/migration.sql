-- CreateIndex
CREATE INDEX "Deal_tenant_accountId_idx" ON "Deal"("tenant", "accountId");

-- CreateIndex
CREATE INDEX "QuoteVersion_sentAt_idx" ON "QuoteVersion"("sentAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_decidedAt_idx" ON "ApprovalRequest"("decidedAt");

-- CreateIndex
CREATE INDEX "Contract_endDate_idx" ON "Contract"("endDate");
