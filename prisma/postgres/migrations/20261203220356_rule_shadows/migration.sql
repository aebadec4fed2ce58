-- CreateTable
CREATE TABLE "RuleShadow" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "versionHash" TEXT NOT NULL,
    "liveVersion" TEXT,
    "startedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "endedAt" TIMESTAMP(3),
    "endedBy" TEXT,
    "endReason" TEXT,
    "activeKey" TEXT,

    CONSTRAINT "RuleShadow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShadowEvaluation" (
    "id" TEXT NOT NULL,
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
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShadowEvaluation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RuleShadow_activeKey_key" ON "RuleShadow"("activeKey");

-- CreateIndex
CREATE INDEX "RuleShadow_tenant_endedAt_idx" ON "RuleShadow"("tenant", "endedAt");

-- CreateIndex
CREATE INDEX "ShadowEvaluation_shadowId_differs_at_idx" ON "ShadowEvaluation"("shadowId", "differs", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ShadowEvaluation_shadowId_decisionId_key" ON "ShadowEvaluation"("shadowId", "decisionId");

-- AddForeignKey
ALTER TABLE "ShadowEvaluation" ADD CONSTRAINT "ShadowEvaluation_shadowId_fkey" FOREIGN KEY ("shadowId") REFERENCES "RuleShadow"("id") ON DELETE CASCADE ON UPDATE CASCADE;
