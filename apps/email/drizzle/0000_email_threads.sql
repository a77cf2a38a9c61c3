CREATE TABLE `email_inbound_tokens` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_inbound_tokens_token` ON `email_inbound_tokens` (`token`);--> statement-breakpoint
CREATE TABLE `email_messages` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`message_id` text NOT NULL,
	`direction` text NOT NULL,
	`contact` text NOT NULL,
	`chat_id` text,
	`thread_id` text NOT NULL,
	`subject` text,
	`refs` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `email_messages_contact` ON `email_messages` (`company_id`,`plugin_alias`,`plugin_id`,`contact`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_messages_thread` ON `email_messages` (`company_id`,`plugin_alias`,`plugin_id`,`thread_id`);