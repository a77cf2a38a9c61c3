import { describe, expect, it } from "vitest";
import { readSalesRenderEnv } from "./env.js";

describe("readSalesRenderEnv", () => {
  it("allows SalesRender's and LeadVertex's backends over https by default", () => {
    expect(readSalesRenderEnv({})).toEqual({
      issuerScheme: "https",
      issuerHostnames: ["backend.leadvertex.com", "backend.salesrender.com"],
    });
  });

  it("reads LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME and _HOSTNAME, trimmed and lower-cased", () => {
    expect(
      readSalesRenderEnv({
        LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME: "HTTP:",
        LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME: " CRM.Example.test , ,127.0.0.1",
      }),
    ).toEqual({ issuerScheme: "http", issuerHostnames: ["crm.example.test", "127.0.0.1"] });
  });
});
