-- Tenant identity is host-neutral: these rows are keyed by core's `tenants.id` (tenant_id) instead of
-- the plugin reference. Every row is kept (a reference core has no tenant for gets one).
CREATE TEMP TABLE `__tenant_refs` AS
SELECT `company_id`, `plugin_alias`, `plugin_id` FROM `telegram_webhooks`;
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
INSERT OR IGNORE INTO `tenants` (`host`, `tenant_key`, `public_id`, `created_at`)
SELECT 'salesrender', `tenant_key`, lower(hex(randomblob(16))), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM `__tenant_keys`;
--> statement-breakpoint
CREATE TEMP TABLE `__tenant_ids` AS
SELECT k.`company_id`, k.`plugin_alias`, k.`plugin_id`, t.`id` AS `tenant_id`
FROM `__tenant_keys` k JOIN `tenants` t ON t.`host` = 'salesrender' AND t.`tenant_key` = k.`tenant_key`;
--> statement-breakpoint
CREATE TABLE `__new_telegram_webhooks` (
	`tenant_id` integer NOT NULL,
	`bot_id` text NOT NULL,
	`secret` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`)
);
--> statement-breakpoint
INSERT INTO `__new_telegram_webhooks` (`tenant_id`, `bot_id`, `secret`, `updated_at`)
SELECT i.`tenant_id`, x.`bot_id`, x.`secret`, x.`updated_at` FROM `telegram_webhooks` x
JOIN `__tenant_ids` i ON i.`company_id` = x.`company_id` AND i.`plugin_alias` = x.`plugin_alias` AND i.`plugin_id` = x.`plugin_id`;
--> statement-breakpoint
DROP TABLE `telegram_webhooks`;
--> statement-breakpoint
ALTER TABLE `__new_telegram_webhooks` RENAME TO `telegram_webhooks`;
--> statement-breakpoint
DROP TABLE `__tenant_ids`;
--> statement-breakpoint
DROP TABLE `__tenant_keys`;
--> statement-breakpoint
DROP TABLE `__tenant_refs`;
