import { describe, expect, it } from "vitest";
import { defineHost } from "./define-host.js";
import { selectHosts } from "./select-hosts.js";

const deliver = async () => {};
const salesrender = defineHost({ name: "salesrender", setup: () => ({ deliver }) });
const bitrix24 = defineHost({
  name: "bitrix24",
  readEnv: (source) => {
    if (!source.B24_ID) throw new Error("Invalid configuration: B24_ID: required");
    return { id: source.B24_ID };
  },
  setup: () => ({ deliver }),
});

describe("selectHosts", () => {
  it("picks the named hosts in the order named, each with the environment its readEnv read", () => {
    const selected = selectHosts(["bitrix24", "salesrender"], [salesrender, bitrix24], { B24_ID: "app" });
    expect(selected.map((s) => s.definition.name)).toEqual(["bitrix24", "salesrender"]);
    expect(selected[0]!.env).toEqual({ id: "app" });
    expect(selected[1]!.env).toBeUndefined();
  });

  it("reads the environment of running hosts only", () => {
    expect(selectHosts(["salesrender"], [salesrender, bitrix24], {}).map((s) => s.definition.name)).toEqual([
      "salesrender",
    ]);
  });

  it("refuses an unknown name, naming the hosts the gateway serves", () => {
    expect(() => selectHosts(["salesrender", "creatio"], [salesrender, bitrix24], {})).toThrow(
      'Invalid configuration: SWITCHBOARD_HOSTS: unknown host "creatio"; this gateway serves salesrender, bitrix24',
    );
  });

  it("refuses an empty list and a name given twice", () => {
    expect(() => selectHosts([], [salesrender], {})).toThrow(
      "Invalid configuration: SWITCHBOARD_HOSTS: names no host; this gateway serves salesrender",
    );
    expect(() => selectHosts(["salesrender", "salesrender"], [salesrender], {})).toThrow(
      'SWITCHBOARD_HOSTS: "salesrender" is named twice; this gateway serves salesrender',
    );
  });

  it("joins every problem, a host's own configuration errors included, into one line", () => {
    expect(() => selectHosts(["bitrix24", "x"], [salesrender, bitrix24], {})).toThrow(
      'Invalid configuration: B24_ID: required; SWITCHBOARD_HOSTS: unknown host "x"; this gateway serves salesrender, bitrix24',
    );
  });
});

describe("defineHost", () => {
  it("refuses a name that cannot be stored as a host name", () => {
    expect(() => defineHost({ name: "Sales Render", setup: () => ({ deliver }) })).toThrow(/lower-case/);
  });
});
