ALTER TABLE `registrations` ADD `issuer` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `token_iat` integer;--> statement-breakpoint
ALTER TABLE `registrations` ADD `token_jti` text;