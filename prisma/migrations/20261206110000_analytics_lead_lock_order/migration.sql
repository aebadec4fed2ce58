-- Nothing to do on SQLite: it has one writer at a time, so no two writers wait for each other's
-- locks (see the PostgreSQL migration of the same name).
SELECT 1;
