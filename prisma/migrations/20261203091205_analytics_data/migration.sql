-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "expectedCloseDate" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastCategory" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastOverride" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastOverrideAt" DATETIME;
ALTER TABLE "Deal" ADD COLUMN "forecastOverrideBy" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastOverrideReason" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastRuleCategory" TEXT;
ALTER TABLE "Deal" ADD COLUMN "forecastRulesVersion" TEXT;
ALTER TABLE "Deal" ADD COLUMN "lossCompetitor" TEXT;
ALTER TABLE "Deal" ADD COLUMN "lossReason" TEXT;

-- CreateTable
CREATE TABLE "DealForecast" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "probability" REAL,
    "expectedCloseDate" TEXT,
    "category" TEXT,
    "ruleCategory" TEXT,
    "override" TEXT,
    "amountMinor" BIGINT,
    "currency" TEXT NOT NULL,
    "rulesetVersion" TEXT,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    CONSTRAINT "DealForecast_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Quota" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "periodKind" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "startsOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "setBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MarketingSpend" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "campaignKey" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "note" TEXT,
    "origin" TEXT NOT NULL,
    "enteredBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MarketingSpend_tenant_campaignKey_fkey" FOREIGN KEY ("tenant", "campaignKey") REFERENCES "Campaign" ("tenant", "key") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "DealForecast_idempotencyKey_key" ON "DealForecast"("idempotencyKey");

-- CreateIndex
CREATE INDEX "DealForecast_dealId_occurredAt_idx" ON "DealForecast"("dealId", "occurredAt");

-- CreateIndex
CREATE INDEX "DealForecast_tenant_occurredAt_idx" ON "DealForecast"("tenant", "occurredAt");

-- CreateIndex
CREATE INDEX "Quota_tenant_startsOn_idx" ON "Quota"("tenant", "startsOn");

-- CreateIndex
CREATE UNIQUE INDEX "Quota_tenant_scope_ownerEmail_period_currency_key" ON "Quota"("tenant", "scope", "ownerEmail", "period", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_tenant_key_key" ON "Campaign"("tenant", "key");

-- CreateIndex
CREATE INDEX "MarketingSpend_tenant_month_idx" ON "MarketingSpend"("tenant", "month");

-- CreateIndex
CREATE UNIQUE INDEX "MarketingSpend_tenant_source_campaignKey_month_currency_key" ON "MarketingSpend"("tenant", "source", "campaignKey", "month", "currency");

-- CreateIndex
CREATE INDEX "Deal_tenant_expectedCloseDate_idx" ON "Deal"("tenant", "expectedCloseDate");
