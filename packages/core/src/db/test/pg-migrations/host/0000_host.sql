INSERT INTO "migration_runs" ("package") VALUES ('host');
