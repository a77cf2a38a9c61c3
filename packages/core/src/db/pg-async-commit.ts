/**
 * @module db/pg-async-commit — a FROM item that makes the statement's own transaction commit
 * asynchronously (`synchronous_commit` off for it alone, read by the server at commit): the commit
 * returns before its WAL reaches the disk (the WAL writer flushes it within ~0.6 s). Only for
 * writes whose loss in a crash of the database server itself costs at most a repeated send or a
 * late wake-up: a claim (the row is queued again), a part record (that part may go again), a
 * notification (a hint; the polling backstop finds the work). Never for storing a message,
 * marking it sent or anything for the CRM.
 */
export const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;
