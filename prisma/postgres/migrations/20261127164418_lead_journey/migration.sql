-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "bant" JSONB,
ADD COLUMN     "disqualifiedReason" TEXT,
ADD COLUMN     "firstTouchAt" TIMESTAMP(3),
ADD COLUMN     "mqlAt" TIMESTAMP(3),
ADD COLUMN     "pinnedRulesVersion" TEXT,
ADD COLUMN     "queue" TEXT,
ADD COLUMN     "slaDueAt" TIMESTAMP(3),
ADD COLUMN     "slaStatus" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "sqlAt" TIMESTAMP(3),
ADD COLUMN     "timeZone" TEXT;

-- CreateTable
CREATE TABLE "Rep" (
    "id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'rep',
    "managerId" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "outOfOfficeFrom" TIMESTAMP(3),
    "outOfOfficeUntil" TIMESTAMP(3),
    "delegateId" TEXT,
    "maxOpenLeads" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoutingCounter" (
    "tenant" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "repEmail" TEXT NOT NULL,
    "assigned" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RoutingCounter_pkey" PRIMARY KEY ("tenant","pool","repEmail")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "repEmail" TEXT,
    "queue" TEXT,
    "pool" TEXT,
    "reason" TEXT NOT NULL,
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "actor" TEXT,
    "rulesetVersion" TEXT,
    "assignedAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundEmail" (
    "id" TEXT NOT NULL,
    "leadId" TEXT,
    "toAddress" TEXT NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "template" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "messageId" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboundEmail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "ownerEmail" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CadenceEnrolment" (
    "id" TEXT NOT NULL,
    "leadId" TEXT NOT NULL,
    "cadence" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stepIndex" INTEGER NOT NULL DEFAULT 0,
    "nextStepName" TEXT,
    "nextStepAt" TIMESTAMP(3),
    "stoppedReason" TEXT,
    "rulesetVersion" TEXT,
    "enrolledAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CadenceEnrolment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Rep_tenant_email_key" ON "Rep"("tenant", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_idempotencyKey_key" ON "Assignment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Assignment_leadId_assignedAt_idx" ON "Assignment"("leadId", "assignedAt");

-- CreateIndex
CREATE INDEX "Assignment_tenant_repEmail_idx" ON "Assignment"("tenant", "repEmail");

-- CreateIndex
CREATE INDEX "OutboundEmail_leadId_createdAt_idx" ON "OutboundEmail"("leadId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboundEmail_status_idx" ON "OutboundEmail"("status");

-- CreateIndex
CREATE INDEX "Task_ownerEmail_status_dueAt_idx" ON "Task"("ownerEmail", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_leadId_idx" ON "Task"("leadId");

-- CreateIndex
CREATE INDEX "CadenceEnrolment_leadId_idx" ON "CadenceEnrolment"("leadId");

-- AddForeignKey
ALTER TABLE "OutboundEmail" ADD CONSTRAINT "OutboundEmail_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CadenceEnrolment" ADD CONSTRAINT "CadenceEnrolment_leadId_fkey" FOREIGN KEY ("leadId") REFERENCES "Lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;
