/**
 * @module fake-bitrix24/method-table — every REST method the fake portal implements, by lower-cased
 * name (`batch` is run by the endpoint itself).
 */
import { appMethods } from "./app-methods.js";
import { connectorMethods } from "./connector-methods.js";
import { eventMethods } from "./event-methods.js";
import { imMethods } from "./im-methods.js";
import { messageMethods } from "./message-methods.js";
import type { RestMethod } from "./method.js";

/** The method table. */
export function methodTable(): Record<string, RestMethod> {
  return { ...connectorMethods, ...messageMethods, ...eventMethods, ...appMethods, ...imMethods };
}
