CREATE TABLE `crm_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`order_key` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `crm_outbox_order` ON `crm_outbox` (`order_key`,`id`);--> statement-breakpoint
CREATE INDEX `crm_outbox_due` ON `crm_outbox` (`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outgoing` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`crm_message_id` text,
	`payload` text NOT NULL,
	`contact` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`details` text,
	`status_rank` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_crm_message` ON `outgoing` (`company_id`,`plugin_alias`,`plugin_id`,`crm_message_id`) WHERE crm_message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `outgoing_due` ON `outgoing` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `outgoing_parts` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`gateway_message_id` text NOT NULL,
	`outgoing_id` integer NOT NULL,
	`status_rank` integer DEFAULT 1 NOT NULL,
	`reason` text,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`, `gateway_message_id`)
);
--> statement-breakpoint
CREATE INDEX `outgoing_parts_outgoing` ON `outgoing_parts` (`outgoing_id`);--> statement-breakpoint
CREATE TABLE `public_keys` (
	`origin` text NOT NULL,
	`key_id` text NOT NULL,
	`pem` text NOT NULL,
	`fetched_at` integer NOT NULL,
	PRIMARY KEY(`origin`, `key_id`)
);
--> statement-breakpoint
CREATE TABLE `registrations` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`public_id` text NOT NULL,
	`hpt` text NOT NULL,
	`cluster_uri` text NOT NULL,
	`country` text NOT NULL,
	`currency` text NOT NULL,
	`registered_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_public_id` ON `registrations` (`public_id`);--> statement-breakpoint
CREATE TABLE `seen_events` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`scope` text NOT NULL,
	`external_id` text NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`, `scope`, `external_id`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`data` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`company_id`, `plugin_alias`, `plugin_id`)
);
--> statement-breakpoint
CREATE TABLE `stored_files` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stored_files_created` ON `stored_files` (`created_at`);