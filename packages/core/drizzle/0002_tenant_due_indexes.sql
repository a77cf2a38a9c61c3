DROP INDEX `crm_outbox_due`;--> statement-breakpoint
CREATE INDEX `crm_outbox_tenant_due` ON `crm_outbox` (`company_id`,`plugin_alias`,`plugin_id`,`next_attempt_at`);--> statement-breakpoint
DROP INDEX `outgoing_due`;--> statement-breakpoint
CREATE INDEX `outgoing_tenant_due` ON `outgoing` (`state`,`company_id`,`plugin_alias`,`plugin_id`,`next_attempt_at`);