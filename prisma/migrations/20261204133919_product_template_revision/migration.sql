-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Product" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "billing" TEXT NOT NULL DEFAULT 'yearly',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Product" ("active", "billing", "createdAt", "description", "id", "name", "sku", "tenant", "updatedAt") SELECT "active", "billing", "createdAt", "description", "id", "name", "sku", "tenant", "updatedAt" FROM "Product";
DROP TABLE "Product";
ALTER TABLE "new_Product" RENAME TO "Product";
CREATE UNIQUE INDEX "Product_tenant_sku_key" ON "Product"("tenant", "sku");
CREATE TABLE "new_QuoteTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_QuoteTemplate" ("content", "createdAt", "id", "name", "tenant", "updatedAt") SELECT "content", "createdAt", "id", "name", "tenant", "updatedAt" FROM "QuoteTemplate";
DROP TABLE "QuoteTemplate";
ALTER TABLE "new_QuoteTemplate" RENAME TO "QuoteTemplate";
CREATE UNIQUE INDEX "QuoteTemplate_tenant_name_key" ON "QuoteTemplate"("tenant", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
