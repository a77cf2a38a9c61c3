/**
 * @module @switchboard/testkit — a CRM simulator, a conformance suite and small helpers for gateway tests.
 */
export * from "./crm-simulator/index.js";
export * from "./conformance/index.js";
export {
  waitFor,
  freePort,
  findSystemProgram,
  requireSystemProgram,
  MissingSystemProgramError,
  type SystemProgram,
  type WaitForOptions,
  postChunkedFlood,
  type FloodResult,
} from "./util/index.js";
