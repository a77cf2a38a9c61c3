/**
 * @module @switchboard/testkit — a CRM simulator and small helpers for gateway tests. The conformance
 * suite is `@switchboard/testkit/conformance`: it needs vitest, which nothing else here may load
 * (the sandbox runs this package at run time).
 */
export * from "./crm-simulator/index.js";
export {
  waitFor,
  freePort,
  findSystemProgram,
  requireSystemProgram,
  MissingSystemProgramError,
  type SystemProgram,
  databaseBytes,
  secretsOnDisk,
  type WaitForOptions,
  postChunkedFlood,
  type FloodResult,
  startMisbehavingFileServer,
  type MisbehavingFileServer,
  jsonPaths,
  withValueAt,
  WRONG_KIND_VALUES,
  startFileServer,
  bytesOf,
  type FileServer,
  uniqueId,
  runNodeScript,
  type ScriptResult,
} from "./util/index.js";
export * from "./stack/index.js";
export * from "./metrics/index.js";
export {
  startFakeBitrix24,
  type FakeBitrix24,
  type FakeBitrix24Options,
  type FakePortal,
  type PortalOptions,
} from "./fake-bitrix24/index.js";
export {
  readDocumentedLogs,
  checkLogLines,
  sourceLogEvents,
  type DocumentedLogs,
  type DocumentedEvent,
  type LogLineProblem,
} from "./logs/documented-logs.js";
