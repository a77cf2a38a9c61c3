-- Tenant identity becomes host-neutral: a `tenants` row per tenant (host, tenant key, public id) and
-- one integer `tenant_id` in every tenant-owned table instead of SalesRender's plugin reference.
-- Every row is kept; the reference columns stay only in `registrations`.
CREATE TABLE `tenants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host` text NOT NULL,
	`tenant_key` text NOT NULL,
	`public_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_host_key` ON `tenants` (`host`,`tenant_key`);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_public_id` ON `tenants` (`public_id`);
--> statement-breakpoint
-- Every reference any table names (rows of a reference that never registered are kept too).
CREATE TEMP TABLE `__tenant_refs` AS
SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `registrations`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `settings`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `outgoing`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `outgoing_parts`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `crm_outbox`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `seen_events`
UNION SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `stored_files`;
--> statement-breakpoint
-- The tenant key of each plugin reference, built exactly as salesRenderTenantKey() builds it:
-- each part encodeURIComponent-ed (UTF-8 bytes as upper-case %XX, except A-Z a-z 0-9 - _ . ! ~ * ' ( )),
-- joined by "/".
CREATE TEMP TABLE `__tenant_keys` AS
WITH RECURSIVE
  `parts`(`s`) AS (
    SELECT `company_id` FROM `__tenant_refs` UNION SELECT `plugin_alias` FROM `__tenant_refs`
    UNION SELECT `plugin_id` FROM `__tenant_refs`
  ),
  `enc`(`s`, `rest`, `acc`) AS (
    SELECT `s`, `s`, '' FROM `parts`
    UNION ALL
    SELECT `s`, substr(`rest`, 2), `acc` || CASE
      WHEN substr(`rest`, 1, 1) GLOB '[A-Za-z0-9_.!~*''()-]' THEN substr(`rest`, 1, 1)
      ELSE (SELECT '%' || substr(`h`, 1, 2)
          || CASE WHEN length(`h`) > 2 THEN '%' || substr(`h`, 3, 2) ELSE '' END
          || CASE WHEN length(`h`) > 4 THEN '%' || substr(`h`, 5, 2) ELSE '' END
          || CASE WHEN length(`h`) > 6 THEN '%' || substr(`h`, 7, 2) ELSE '' END
        FROM (SELECT hex(CAST(substr(`rest`, 1, 1) AS BLOB)) AS `h`))
    END
    FROM `enc` WHERE `rest` <> ''
  ),
  `encoded`(`s`, `e`) AS (SELECT `s`, `acc` FROM `enc` WHERE `rest` = '')
SELECT r.`company_id`, r.`plugin_alias`, r.`plugin_id`,
  c.`e` || '/' || a.`e` || '/' || p.`e` AS `tenant_key`
FROM `__tenant_refs` r
JOIN `encoded` c ON c.`s` = r.`company_id`
JOIN `encoded` a ON a.`s` = r.`plugin_alias`
JOIN `encoded` p ON p.`s` = r.`plugin_id`;
--> statement-breakpoint
-- Registered tenants keep their public id (their webhook URLs); ids follow the rows' order, so
-- tenants are listed as before.
INSERT INTO `tenants` (`host`, `tenant_key`, `public_id`, `created_at`)
SELECT 'salesrender', k.`tenant_key`, r.`public_id`, r.`registered_at` * 1000
FROM `registrations` r
JOIN `__tenant_keys` k ON k.`company_id` = r.`company_id` AND k.`plugin_alias` = r.`plugin_alias` AND k.`plugin_id` = r.`plugin_id`
ORDER BY r.`rowid`;
--> statement-breakpoint
INSERT OR IGNORE INTO `tenants` (`host`, `tenant_key`, `public_id`, `created_at`)
SELECT 'salesrender', `tenant_key`, lower(hex(randomblob(16))), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM `__tenant_keys`;
--> statement-breakpoint
CREATE TEMP TABLE `__tenant_ids` AS
SELECT k.`company_id`, k.`plugin_alias`, k.`plugin_id`, t.`id` AS `tenant_id`
FROM `__tenant_keys` k JOIN `tenants` t ON t.`host` = 'salesrender' AND t.`tenant_key` = k.`tenant_key`;
--> statement-breakpoint
CREATE UNIQUE INDEX `temp`.`__tenant_ids_ref` ON `__tenant_ids` (`company_id`, `plugin_alias`, `plugin_id`);
--> statement-breakpoint
CREATE TABLE `__new_registrations` (
	`tenant_id` integer PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`plugin_alias` text NOT NULL,
	`plugin_id` text NOT NULL,
	`hpt` text NOT NULL,
	`cluster_uri` text NOT NULL,
	`country` text NOT NULL,
	`currency` text NOT NULL,
	`registered_at` integer NOT NULL,
	`issuer` text,
	`token_iat` integer,
	`token_jti` text
);
--> statement-breakpoint
INSERT INTO `__new_registrations` (`tenant_id`, `company_id`, `plugin_alias`, `plugin_id`, `hpt`, `cluster_uri`, `country`, `currency`, `registered_at`, `issuer`, `token_iat`, `token_jti`)
SELECT i.`tenant_id`, r.`company_id`, r.`plugin_alias`, r.`plugin_id`, r.`hpt`, r.`cluster_uri`, r.`country`, r.`currency`, r.`registered_at`, r.`issuer`, r.`token_iat`, r.`token_jti`
FROM `registrations` r JOIN `__tenant_ids` i ON i.`company_id` = r.`company_id` AND i.`plugin_alias` = r.`plugin_alias` AND i.`plugin_id` = r.`plugin_id`;
--> statement-breakpoint
DROP TABLE `registrations`;
--> statement-breakpoint
ALTER TABLE `__new_registrations` RENAME TO `registrations`;
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_reference` ON `registrations` (`company_id`,`plugin_alias`,`plugin_id`);
--> statement-breakpoint
CREATE TABLE `__new_settings` (
	`tenant_id` integer NOT NULL,
	`data` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`)
);
--> statement-breakpoint
INSERT INTO `__new_settings` (`tenant_id`, `data`, `updated_at`)
SELECT i.`tenant_id`, s.`data`, s.`updated_at` FROM `settings` s JOIN `__tenant_ids` i ON i.`company_id` = s.`company_id` AND i.`plugin_alias` = s.`plugin_alias` AND i.`plugin_id` = s.`plugin_id`;
--> statement-breakpoint
DROP TABLE `settings`;
--> statement-breakpoint
ALTER TABLE `__new_settings` RENAME TO `settings`;
--> statement-breakpoint
-- Dropping `outgoing` would delete its send parts (ON DELETE CASCADE): they wait aside meanwhile.
CREATE TEMP TABLE `__send_parts` AS SELECT `outgoing_id`, `part_index`, `channel_message_id` FROM `outgoing_send_parts`;
--> statement-breakpoint
DROP TABLE `outgoing_send_parts`;
--> statement-breakpoint
CREATE TABLE `__new_outgoing` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` integer NOT NULL,
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
INSERT INTO `__new_outgoing` (`id`, `tenant_id`, `crm_message_id`, `payload`, `contact`, `state`, `attempts`, `next_attempt_at`, `lease_until`, `last_error`, `details`, `status_rank`, `created_at`, `finished_at`)
SELECT o.`id`, i.`tenant_id`, o.`crm_message_id`, o.`payload`, o.`contact`, o.`state`, o.`attempts`, o.`next_attempt_at`, o.`lease_until`, o.`last_error`, o.`details`, o.`status_rank`, o.`created_at`, o.`finished_at`
FROM `outgoing` o JOIN `__tenant_ids` i ON i.`company_id` = o.`company_id` AND i.`plugin_alias` = o.`plugin_alias` AND i.`plugin_id` = o.`plugin_id`;
--> statement-breakpoint
DROP TABLE `outgoing`;
--> statement-breakpoint
ALTER TABLE `__new_outgoing` RENAME TO `outgoing`;
--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_crm_message` ON `outgoing` (`tenant_id`,`crm_message_id`) WHERE crm_message_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `outgoing_tenant_due` ON `outgoing` (`state`,`tenant_id`,`next_attempt_at`);
--> statement-breakpoint
CREATE TABLE `outgoing_send_parts` (
	`outgoing_id` integer NOT NULL,
	`part_index` integer NOT NULL,
	`channel_message_id` text NOT NULL,
	PRIMARY KEY(`outgoing_id`, `part_index`),
	FOREIGN KEY (`outgoing_id`) REFERENCES `outgoing`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `outgoing_send_parts` (`outgoing_id`, `part_index`, `channel_message_id`)
SELECT `outgoing_id`, `part_index`, `channel_message_id` FROM `__send_parts`
WHERE `outgoing_id` IN (SELECT `id` FROM `outgoing`);
--> statement-breakpoint
DROP TABLE `__send_parts`;
--> statement-breakpoint
CREATE TABLE `__new_outgoing_parts` (
	`tenant_id` integer NOT NULL,
	`gateway_message_id` text NOT NULL,
	`outgoing_id` integer NOT NULL,
	`status_rank` integer DEFAULT 1 NOT NULL,
	`reason` text,
	PRIMARY KEY(`tenant_id`, `gateway_message_id`)
);
--> statement-breakpoint
INSERT INTO `__new_outgoing_parts` (`tenant_id`, `gateway_message_id`, `outgoing_id`, `status_rank`, `reason`)
SELECT i.`tenant_id`, p.`gateway_message_id`, p.`outgoing_id`, p.`status_rank`, p.`reason` FROM `outgoing_parts` p JOIN `__tenant_ids` i ON i.`company_id` = p.`company_id` AND i.`plugin_alias` = p.`plugin_alias` AND i.`plugin_id` = p.`plugin_id`;
--> statement-breakpoint
DROP TABLE `outgoing_parts`;
--> statement-breakpoint
ALTER TABLE `__new_outgoing_parts` RENAME TO `outgoing_parts`;
--> statement-breakpoint
CREATE INDEX `outgoing_parts_outgoing` ON `outgoing_parts` (`outgoing_id`);
--> statement-breakpoint
CREATE TABLE `__new_crm_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` integer NOT NULL,
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
-- Order keys named the tenant by its reference (`kind:company/alias/plugin:key`); they name it by its id now.
INSERT INTO `__new_crm_outbox` (`id`, `tenant_id`, `kind`, `body`, `order_key`, `attempts`, `next_attempt_at`, `last_error`, `created_at`, `expires_at`)
SELECT o.`id`, i.`tenant_id`, o.`kind`, o.`body`,
  CASE WHEN substr(o.`order_key`, 1, length(o.`kind`) + length(o.`company_id`) + length(o.`plugin_alias`) + length(o.`plugin_id`) + 4)
      = o.`kind` || ':' || o.`company_id` || '/' || o.`plugin_alias` || '/' || o.`plugin_id` || ':'
    THEN o.`kind` || ':' || i.`tenant_id` || ':'
      || substr(o.`order_key`, length(o.`kind`) + length(o.`company_id`) + length(o.`plugin_alias`) + length(o.`plugin_id`) + 5)
    ELSE o.`order_key` END,
  o.`attempts`, o.`next_attempt_at`, o.`last_error`, o.`created_at`, o.`expires_at`
FROM `crm_outbox` o JOIN `__tenant_ids` i ON i.`company_id` = o.`company_id` AND i.`plugin_alias` = o.`plugin_alias` AND i.`plugin_id` = o.`plugin_id`;
--> statement-breakpoint
DROP TABLE `crm_outbox`;
--> statement-breakpoint
ALTER TABLE `__new_crm_outbox` RENAME TO `crm_outbox`;
--> statement-breakpoint
CREATE INDEX `crm_outbox_order` ON `crm_outbox` (`order_key`,`id`);
--> statement-breakpoint
CREATE INDEX `crm_outbox_tenant_due` ON `crm_outbox` (`tenant_id`,`next_attempt_at`);
--> statement-breakpoint
CREATE TABLE `__new_seen_events` (
	`tenant_id` integer NOT NULL,
	`scope` text NOT NULL,
	`external_id` text NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `scope`, `external_id`)
);
--> statement-breakpoint
INSERT INTO `__new_seen_events` (`tenant_id`, `scope`, `external_id`, `seen_at`)
SELECT i.`tenant_id`, e.`scope`, e.`external_id`, e.`seen_at` FROM `seen_events` e JOIN `__tenant_ids` i ON i.`company_id` = e.`company_id` AND i.`plugin_alias` = e.`plugin_alias` AND i.`plugin_id` = e.`plugin_id`;
--> statement-breakpoint
DROP TABLE `seen_events`;
--> statement-breakpoint
ALTER TABLE `__new_seen_events` RENAME TO `seen_events`;
--> statement-breakpoint
CREATE TABLE `__new_stored_files` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` integer NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_stored_files` (`id`, `tenant_id`, `name`, `content_type`, `size`, `created_at`)
SELECT f.`id`, i.`tenant_id`, f.`name`, f.`content_type`, f.`size`, f.`created_at` FROM `stored_files` f JOIN `__tenant_ids` i ON i.`company_id` = f.`company_id` AND i.`plugin_alias` = f.`plugin_alias` AND i.`plugin_id` = f.`plugin_id`;
--> statement-breakpoint
DROP TABLE `stored_files`;
--> statement-breakpoint
ALTER TABLE `__new_stored_files` RENAME TO `stored_files`;
--> statement-breakpoint
CREATE INDEX `stored_files_created` ON `stored_files` (`created_at`);
--> statement-breakpoint
DROP TABLE `__tenant_ids`;
--> statement-breakpoint
DROP TABLE `__tenant_keys`;
--> statement-breakpoint
DROP TABLE `__tenant_refs`;
