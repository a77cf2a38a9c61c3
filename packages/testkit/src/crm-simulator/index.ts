/**
 * @module crm-simulator — a SalesRender-style CRM on loopback for gateway tests and the sandbox.
 */
export { startCrmSimulator, CrmSimulator, type CrmSimulatorOptions, type CrmSimulatorEnv } from "./simulator.js";
export type { MintOptions } from "./token-minter.js";
export type { JwtAlgorithm, SigningKey } from "./jwt.js";
export type {
  CrmEvent,
  CrmEventKind,
  FailureMode,
  IncomingBody,
  PluginRef,
  RecordedRequest,
  RejectedRequest,
  SendBody,
  StatusBody,
  StatusValue,
} from "./types.js";
