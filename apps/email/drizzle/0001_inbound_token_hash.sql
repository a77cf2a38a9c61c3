DROP INDEX `email_inbound_tokens_token`;--> statement-breakpoint
ALTER TABLE `email_inbound_tokens` ADD `token_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `email_inbound_tokens_hash` ON `email_inbound_tokens` (`token_hash`);