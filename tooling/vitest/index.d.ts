import type { ViteUserConfig } from "vitest/config";

/** Shared vitest defaults for every workspace. */
export declare const baseTestConfig: ViteUserConfig;
export default baseTestConfig;
