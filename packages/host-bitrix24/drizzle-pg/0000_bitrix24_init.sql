CREATE TABLE "bitrix24_lines" (
	"tenant_id" integer PRIMARY KEY NOT NULL,
	"member_id" text NOT NULL,
	"line" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"connected" boolean DEFAULT false NOT NULL,
	"registered" boolean DEFAULT false NOT NULL,
	"last_error" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bitrix24_portals" (
	"member_id" text PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"client_endpoint" text NOT NULL,
	"server_endpoint" text,
	"access_token" text,
	"refresh_token" text,
	"expires_at" bigint,
	"application_token" text,
	"application_token_sha256" text,
	"scope" text,
	"status" text,
	"language_id" text,
	"needs_reauth" boolean DEFAULT false NOT NULL,
	"last_error" text,
	"installed_at" bigint NOT NULL,
	"uninstalled_at" bigint,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "bitrix24_lines_member_line" ON "bitrix24_lines" USING btree ("member_id","line");