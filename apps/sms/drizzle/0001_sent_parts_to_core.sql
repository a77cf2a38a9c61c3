-- Progress of a split text now lives in core's outgoing_send_parts (ctx.parts). Parts of messages
-- still queued move there, so a send interrupted by this upgrade does not create them again.
INSERT OR IGNORE INTO `outgoing_send_parts` (`outgoing_id`, `part_index`, `channel_message_id`)
SELECT `queue_id`, `part_index`, `message_sid` FROM `sms_sent_parts`
WHERE `queue_id` IN (SELECT `id` FROM `outgoing` WHERE `state` IN ('queued', 'leased'));
--> statement-breakpoint
DROP TABLE `sms_sent_parts`;
