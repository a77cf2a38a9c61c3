CREATE TABLE `telegram_webhooks` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`bot_id` text NOT NULL,
	`secret` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`)
);
