/**
 * @module stack — the part of a gateway's test stack that is the same for every channel.
 */
export {
  startTestStack,
  registerTenant,
  type StackGateway,
  type TestStack,
  type TestStackOptions,
} from "./test-stack.js";
