CREATE TABLE "email_inbound_tokens" (
	"tenant_id" integer NOT NULL,
	"token" text NOT NULL,
	"token_hash" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "email_inbound_tokens_tenant_id_pk" PRIMARY KEY("tenant_id")
);
--> statement-breakpoint
CREATE TABLE "email_messages" (
	"tenant_id" integer NOT NULL,
	"message_id" text NOT NULL,
	"direction" text NOT NULL,
	"contact" text NOT NULL,
	"chat_id" text,
	"thread_id" text NOT NULL,
	"subject" text,
	"refs" text DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "email_messages_tenant_id_message_id_pk" PRIMARY KEY("tenant_id","message_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "email_inbound_tokens_hash" ON "email_inbound_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "email_messages_contact" ON "email_messages" USING btree ("tenant_id","contact","created_at");--> statement-breakpoint
CREATE INDEX "email_messages_thread" ON "email_messages" USING btree ("tenant_id","thread_id");