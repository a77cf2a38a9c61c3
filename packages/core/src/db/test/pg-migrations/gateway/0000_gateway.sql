CREATE TABLE "gateway_things" ("id" text PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO "migration_runs" ("package") VALUES ('gateway');
