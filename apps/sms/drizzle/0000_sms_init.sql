CREATE TABLE `sms_opt_outs` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`phone` text NOT NULL,
	`keyword` text NOT NULL,
	`opted_out_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`, `phone`)
);
--> statement-breakpoint
CREATE TABLE `sms_sent_parts` (
	`queue_id` integer NOT NULL,
	`part_index` integer NOT NULL,
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`message_sid` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`queue_id`, `part_index`)
);
--> statement-breakpoint
CREATE INDEX `sms_sent_parts_created` ON `sms_sent_parts` (`created_at`);