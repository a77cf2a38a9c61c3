import { describe, expect, it } from "vitest";
import { readSandboxConfig } from "./env.js";

describe("readSandboxConfig", () => {
  it("uses the documented ports and ./data/ at the repository root by default", () => {
    const config = readSandboxConfig({});
    expect(config).toMatchObject({
      port: 3000,
      gatewayPorts: { telegram: 8081, sms: 8082, email: 8083 },
      smtpInboundPort: 2525,
      crmPort: 3001,
      logLevel: "warn",
    });
    expect(config.dataDir).toMatch(/\/data\/?$/);
    expect(config.dataDir).not.toMatch(/apps\/sandbox/);
  });

  it("takes every port from the environment and names each bad variable", () => {
    expect(readSandboxConfig({ SANDBOX_PORT: "4000", SMS_PORT: "0", SANDBOX_DATA_DIR: "/tmp/x" })).toMatchObject({
      port: 4000,
      gatewayPorts: { sms: 0 },
      dataDir: "/tmp/x",
    });
    expect(() => readSandboxConfig({ SANDBOX_PORT: "web", EMAIL_PORT: "70000", LOG_LEVEL: "loud" })).toThrow(
      /SANDBOX_PORT.*EMAIL_PORT.*LOG_LEVEL/,
    );
  });
});
