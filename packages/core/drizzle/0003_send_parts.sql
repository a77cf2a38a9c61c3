CREATE TABLE `outgoing_send_parts` (
	`outgoing_id` integer NOT NULL,
	`part_index` integer NOT NULL,
	`channel_message_id` text NOT NULL,
	PRIMARY KEY(`outgoing_id`, `part_index`),
	FOREIGN KEY (`outgoing_id`) REFERENCES `outgoing`(`id`) ON UPDATE no action ON DELETE cascade
);
