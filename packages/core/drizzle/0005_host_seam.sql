ALTER TABLE `outgoing` ADD `host_data` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `country` text;--> statement-breakpoint
-- The country a tenant's host knows: SalesRender's is its registration's.
UPDATE `tenants` SET `country` = (SELECT `country` FROM `registrations` WHERE `registrations`.`tenant_id` = `tenants`.`id`);
