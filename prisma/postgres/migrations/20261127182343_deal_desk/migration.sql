-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "dealId" TEXT;

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "personEmail" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "title" TEXT,
    "role" TEXT NOT NULL,
    "influence" TEXT NOT NULL DEFAULT 'medium',
    "reportsToId" TEXT,
    "engagedAt" TIMESTAMP(3),
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deal" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "leadId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'needs-analysis',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "amountMinor" BIGINT,
    "workflowId" TEXT NOT NULL,
    "needs" JSONB NOT NULL,
    "needsSummary" TEXT,
    "closeReason" TEXT,
    "closedAt" TIMESTAMP(3),
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealActivity" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "outcome" TEXT,
    "actor" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "DealActivity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "attendees" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "attendance" JSONB,
    "feedback" TEXT,
    "remindedAt" TIMESTAMP(3),
    "followUpSentAt" TIMESTAMP(3),
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Material" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "tags" JSONB NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Material_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaterialShare" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "materialId" TEXT NOT NULL,
    "contactId" TEXT,
    "sharedBy" TEXT,
    "sharedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MaterialShare_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceBookEntry" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "priceBook" TEXT NOT NULL DEFAULT 'standard',
    "productId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "unitPriceMinor" BIGINT NOT NULL,

    CONSTRAINT "PriceBookEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuoteTemplate" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuoteTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quote" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "dealId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Quote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuoteVersion" (
    "id" TEXT NOT NULL,
    "quoteId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "totals" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "approvalDiscountBp" INTEGER NOT NULL DEFAULT 0,
    "approvalTier" TEXT,
    "rulesetVersion" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "signedAt" TIMESTAMP(3),

    CONSTRAINT "QuoteVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "dealId" TEXT NOT NULL,
    "quoteVersionId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "chain" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "workflowId" TEXT NOT NULL,
    "rulesetVersion" TEXT NOT NULL,
    "requestedBy" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "outcomeReason" TEXT,

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalStep" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "assigneeEmail" TEXT NOT NULL,
    "delegatedFrom" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "remindAt" TIMESTAMP(3),
    "remindedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApprovalStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "dealId" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "details" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignatureRequest" (
    "id" TEXT NOT NULL,
    "quoteVersionId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "envelopeId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "signerName" TEXT NOT NULL,
    "signerEmail" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "SignatureRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contract" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "dealId" TEXT NOT NULL,
    "quoteVersionId" TEXT NOT NULL,
    "startDate" TIMESTAMP(3) NOT NULL,
    "endDate" TIMESTAMP(3) NOT NULL,
    "valueMinor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "workflowId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contract_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");

-- CreateIndex
CREATE INDEX "ApiToken_tenant_personEmail_idx" ON "ApiToken"("tenant", "personEmail");

-- CreateIndex
CREATE UNIQUE INDEX "Account_tenant_name_key" ON "Account"("tenant", "name");

-- CreateIndex
CREATE INDEX "Contact_accountId_idx" ON "Contact"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_leadId_key" ON "Deal"("leadId");

-- CreateIndex
CREATE INDEX "Deal_tenant_stage_ownerEmail_idx" ON "Deal"("tenant", "stage", "ownerEmail");

-- CreateIndex
CREATE UNIQUE INDEX "DealActivity_idempotencyKey_key" ON "DealActivity"("idempotencyKey");

-- CreateIndex
CREATE INDEX "DealActivity_dealId_occurredAt_idx" ON "DealActivity"("dealId", "occurredAt");

-- CreateIndex
CREATE INDEX "Meeting_dealId_startsAt_idx" ON "Meeting"("dealId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Material_tenant_key_version_key" ON "Material"("tenant", "key", "version");

-- CreateIndex
CREATE INDEX "MaterialShare_dealId_idx" ON "MaterialShare"("dealId");

-- CreateIndex
CREATE UNIQUE INDEX "Product_tenant_sku_key" ON "Product"("tenant", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "PriceBookEntry_tenant_priceBook_productId_currency_key" ON "PriceBookEntry"("tenant", "priceBook", "productId", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "QuoteTemplate_tenant_name_key" ON "QuoteTemplate"("tenant", "name");

-- CreateIndex
CREATE INDEX "Quote_dealId_idx" ON "Quote"("dealId");

-- CreateIndex
CREATE UNIQUE INDEX "Quote_tenant_number_key" ON "Quote"("tenant", "number");

-- CreateIndex
CREATE UNIQUE INDEX "QuoteVersion_quoteId_version_key" ON "QuoteVersion"("quoteId", "version");

-- CreateIndex
CREATE INDEX "ApprovalRequest_quoteVersionId_idx" ON "ApprovalRequest"("quoteVersionId");

-- CreateIndex
CREATE INDEX "ApprovalRequest_tenant_status_idx" ON "ApprovalRequest"("tenant", "status");

-- CreateIndex
CREATE INDEX "ApprovalStep_requestId_position_idx" ON "ApprovalStep"("requestId", "position");

-- CreateIndex
CREATE INDEX "ApprovalStep_assigneeEmail_status_idx" ON "ApprovalStep"("assigneeEmail", "status");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_idempotencyKey_key" ON "AuditEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AuditEvent_tenant_subjectType_subjectId_occurredAt_idx" ON "AuditEvent"("tenant", "subjectType", "subjectId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_dealId_occurredAt_idx" ON "AuditEvent"("dealId", "occurredAt");

-- CreateIndex
CREATE INDEX "SignatureRequest_quoteVersionId_idx" ON "SignatureRequest"("quoteVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "SignatureRequest_provider_envelopeId_key" ON "SignatureRequest"("provider", "envelopeId");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_dealId_key" ON "Contract"("dealId");

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deal" ADD CONSTRAINT "Deal_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealActivity" ADD CONSTRAINT "DealActivity_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaterialShare" ADD CONSTRAINT "MaterialShare_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaterialShare" ADD CONSTRAINT "MaterialShare_materialId_fkey" FOREIGN KEY ("materialId") REFERENCES "Material"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceBookEntry" ADD CONSTRAINT "PriceBookEntry_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quote" ADD CONSTRAINT "Quote_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuoteVersion" ADD CONSTRAINT "QuoteVersion_quoteId_fkey" FOREIGN KEY ("quoteId") REFERENCES "Quote"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_quoteVersionId_fkey" FOREIGN KEY ("quoteVersionId") REFERENCES "QuoteVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignatureRequest" ADD CONSTRAINT "SignatureRequest_quoteVersionId_fkey" FOREIGN KEY ("quoteVersionId") REFERENCES "QuoteVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;
