-- CreateIndex
CREATE INDEX "Lead_slaStatus_idx" ON "Lead"("slaStatus");
