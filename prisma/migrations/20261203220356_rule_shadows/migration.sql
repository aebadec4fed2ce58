-- CreateTable
CREATE TABLE "RuleShadow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "versionHash" TEXT NOT NULL,
    "liveVersion" TEXT,
    "startedBy" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "endedAt" DATETIME,
    "endedBy" TEXT,
    "endReason" TEXT,
    "activeKey" TEXT
);

-- CreateTable
CREATE TABLE "ShadowEvaluation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shadowId" TEXT NOT NULL,
    "decisionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "dealId" TEXT,
    "differs" BOOLEAN NOT NULL,
    "liveKey" TEXT NOT NULL,
    "shadowKey" TEXT NOT NULL,
    "liveOutcome" JSONB,
    "shadowOutcome" JSONB,
    "liveSummary" TEXT,
    "shadowSummary" TEXT,
    "flipped" TEXT,
    "diff" JSONB,
    "liveVersion" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "ShadowEvaluation_shadowId_fkey" FOREIGN KEY ("shadowId") REFERENCES "RuleShadow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "RuleShadow_activeKey_key" ON "RuleShadow"("activeKey");

-- CreateIndex
CREATE INDEX "RuleShadow_tenant_endedAt_idx" ON "RuleShadow"("tenant", "endedAt");

-- CreateIndex
CREATE INDEX "ShadowEvaluation_shadowId_differs_at_idx" ON "ShadowEvaluation"("shadowId", "differs", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ShadowEvaluation_shadowId_decisionId_key" ON "ShadowEvaluation"("shadowId", "decisionId");
