CREATE TABLE `bitrix24_lines` (
	`tenant_id` integer PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`line` integer NOT NULL,
	`active` integer DEFAULT false NOT NULL,
	`connected` integer DEFAULT false NOT NULL,
	`registered` integer DEFAULT false NOT NULL,
	`last_error` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bitrix24_lines_member_line` ON `bitrix24_lines` (`member_id`,`line`);--> statement-breakpoint
CREATE TABLE `bitrix24_portals` (
	`member_id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`client_endpoint` text NOT NULL,
	`server_endpoint` text,
	`access_token` text,
	`refresh_token` text,
	`expires_at` integer,
	`application_token` text,
	`application_token_sha256` text,
	`scope` text,
	`status` text,
	`language_id` text,
	`needs_reauth` integer DEFAULT false NOT NULL,
	`last_error` text,
	`installed_at` integer NOT NULL,
	`uninstalled_at` integer,
	`updated_at` integer NOT NULL
);
