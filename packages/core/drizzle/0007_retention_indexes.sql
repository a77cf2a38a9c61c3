CREATE INDEX `outgoing_finished` ON `outgoing` (`finished_at`) WHERE finished_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `seen_events_seen` ON `seen_events` (`seen_at`);