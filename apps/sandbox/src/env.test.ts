import { describe, expect, it } from "vitest";
import { readSandboxConfig } from "./env.js";

describe("readSandboxConfig", () => {
  it("uses the documented ports and ./data/ at the repository root by default", () => {
    const config = readSandboxConfig({});
    expect(config).toMatchObject({ port: 3000, crmPort: 3001, logLevel: "warn" });
    expect(Object.fromEntries(config.gatewayPorts)).toEqual({
      TELEGRAM_PORT: 8081,
      SMS_PORT: 8082,
      EMAIL_PORT: 8083,
      SMTP_INBOUND_PORT: 2525,
      ECHO_PORT: 8089,
    });
    expect(config.dataDir).toMatch(/\/data\/?$/);
    expect(config.dataDir).not.toMatch(/apps\/sandbox/);
  });

  it("takes every port from the environment and names each bad variable", () => {
    const config = readSandboxConfig({
      SANDBOX_PORT: "4000",
      SMS_PORT: "0",
      ECHO_PORT: "9100",
      SANDBOX_DATA_DIR: "/tmp/x",
    });
    expect(config).toMatchObject({ port: 4000, dataDir: "/tmp/x" });
    expect(config.gatewayPorts.get("SMS_PORT")).toBe(0);
    expect(config.gatewayPorts.get("ECHO_PORT")).toBe(9100);
    expect(() => readSandboxConfig({ SANDBOX_PORT: "web", EMAIL_PORT: "70000", LOG_LEVEL: "loud" })).toThrow(
      /SANDBOX_PORT.*EMAIL_PORT.*LOG_LEVEL/,
    );
  });
});
