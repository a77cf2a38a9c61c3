/**
 * @module util — small helpers for tests that talk to real servers.
 */
export { waitFor, type WaitForOptions } from "./wait-for.js";
export { freePort } from "./free-port.js";
export {
  findSystemProgram,
  requireSystemProgram,
  MissingSystemProgramError,
  type SystemProgram,
} from "./system-program.js";
export { postChunkedFlood, type FloodResult } from "./chunked-flood.js";
export { databaseBytes, secretsOnDisk } from "./database-bytes.js";
export { startMisbehavingFileServer, type MisbehavingFileServer } from "./misbehaving-file-server.js";
export { jsonPaths, withValueAt, WRONG_KIND_VALUES } from "./json-paths.js";
export { startFileServer, bytesOf, type FileServer } from "./file-server.js";
export { uniqueId } from "./unique-id.js";
export { runNodeScript, type ScriptResult } from "./run-node-script.js";
