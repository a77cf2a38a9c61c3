import { describe, expect, it } from "vitest";
import { loadCoreConfig } from "../env.js";
import { parseUploadLimits, permissionsJson, uploadLimitFor } from "./upload-limits.js";

describe("SWITCHBOARD_UPLOAD_LIMITS", () => {
  it("parses extension=size entries with binary units, extensions in lower case", () => {
    const limits = parseUploadLimits(" JPG=5MB, png = 512k,pdf=1.5MiB, *=10485760 ");
    expect(Object.fromEntries(limits)).toEqual({
      jpg: 5 * 1024 ** 2,
      png: 512 * 1024,
      pdf: 1.5 * 1024 ** 2,
      "*": 10485760,
    });
    expect(uploadLimitFor(limits, "png")).toBe(512 * 1024);
    expect(uploadLimitFor(limits, "exe")).toBe(10485760);
    expect(uploadLimitFor(parseUploadLimits("jpg=1"), "constructor")).toBeUndefined();
  });

  it("defaults to any extension up to 10 MiB; an empty value turns uploads off", () => {
    const env = { LV_PLUGIN_SELF_URI: "https://gw.test/" };
    expect(permissionsJson(loadCoreConfig(env).uploadLimits)).toEqual({ "*": 10 * 1024 ** 2 });
    expect(loadCoreConfig({ ...env, SWITCHBOARD_UPLOAD_LIMITS: "" }).uploadLimits.size).toBe(0);
    expect(permissionsJson(parseUploadLimits(""))).toEqual([]);
  });

  it("refuses what it cannot read, naming the entry", () => {
    const env = { LV_PLUGIN_SELF_URI: "https://gw.test/" };
    for (const bad of ["jpg", "jpg=ten", "jpg=5TB", ".jpg=5", "jp g=5"]) {
      expect(() => loadCoreConfig({ ...env, SWITCHBOARD_UPLOAD_LIMITS: bad }), bad).toThrow(
        /SWITCHBOARD_UPLOAD_LIMITS/,
      );
    }
  });
});
