import { describe, expect, it } from "vitest";
import { checkGatewayList, GatewayListError } from "./check-list.js";
import { SANDBOX_GATEWAYS } from "./list.js";
import type { SandboxGateway } from "./sandbox-gateway.js";

const gateway = (name: string, variable: string): SandboxGateway => ({
  name,
  label: name,
  packageName: `@switchboard/${name}`,
  ports: { http: { variable, fallback: 0 } },
  variablePrefixes: [],
  contactPlaceholder: "x",
  start: () => Promise.reject(new Error("not started in this test")),
});

describe("checkGatewayList", () => {
  it("accepts the sandbox's own list", () => {
    expect(() => checkGatewayList(SANDBOX_GATEWAYS)).not.toThrow();
  });

  it("refuses a repeated name, a shared port variable, a reserved or malformed name", () => {
    expect(() => checkGatewayList([gateway("viber", "VIBER_PORT"), gateway("viber", "OTHER_PORT")])).toThrow(
      /Two sandbox gateways are named "viber"/,
    );
    expect(() => checkGatewayList([gateway("viber", "PORT_A"), gateway("vk", "PORT_A")])).toThrow(
      /PORT_A is the port variable of both viber and vk/,
    );
    expect(() => checkGatewayList([gateway("portal", "PORTAL_PORT")])).toThrow(GatewayListError);
    expect(() => checkGatewayList([gateway("../x", "X_PORT")])).toThrow(/kebab-case/);
  });
});
