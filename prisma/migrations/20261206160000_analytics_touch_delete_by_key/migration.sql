-- Nothing to do on SQLite: its trigger on a deleted touch is one per row, and finds the lead's row
-- of LeadFunnel by key (see the PostgreSQL migration of the same name).
SELECT 1;
