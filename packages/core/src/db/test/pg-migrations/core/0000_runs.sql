CREATE TABLE "migration_runs" ("package" text NOT NULL, "at" timestamptz DEFAULT now() NOT NULL);
--> statement-breakpoint
-- Holds the lock long enough that replicas opening together do overlap (the test needs no sleep of its own).
SELECT pg_sleep(0.3);
--> statement-breakpoint
INSERT INTO "migration_runs" ("package") VALUES ('core');
