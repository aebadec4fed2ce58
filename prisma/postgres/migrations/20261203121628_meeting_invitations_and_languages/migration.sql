-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "Rep" ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "language" TEXT;

-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;
