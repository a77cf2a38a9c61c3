ALTER TABLE `outgoing` ADD `action` text DEFAULT 'send' NOT NULL;--> statement-breakpoint
ALTER TABLE `outgoing` ADD `target_id` integer;--> statement-breakpoint
ALTER TABLE `outgoing` ADD `operation_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_operation` ON `outgoing` (`target_id`,`operation_key`) WHERE target_id IS NOT NULL;