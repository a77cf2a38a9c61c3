import { baseTestConfig } from "@switchboard/vitest-config";

export default baseTestConfig;
