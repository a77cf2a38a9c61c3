CREATE TABLE "sms_opt_outs" (
	"tenant_id" integer NOT NULL,
	"phone" text NOT NULL,
	"keyword" text NOT NULL,
	"opted_out_at" bigint NOT NULL,
	CONSTRAINT "sms_opt_outs_tenant_id_phone_pk" PRIMARY KEY("tenant_id","phone")
);
