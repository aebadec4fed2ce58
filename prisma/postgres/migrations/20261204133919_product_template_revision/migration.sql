-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "QuoteTemplate" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;
