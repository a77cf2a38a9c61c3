CREATE TABLE "telegram_webhooks" (
	"tenant_id" integer NOT NULL,
	"bot_id" text NOT NULL,
	"secret" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "telegram_webhooks_tenant_id_pk" PRIMARY KEY("tenant_id")
);
