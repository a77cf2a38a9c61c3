import { describe, expect, it } from "vitest";
import { buildOrThrow, ChaosBuildError } from "./build.js";

describe("the chaos suite's build step", () => {
  it("goes on only when the build exits 0", () => {
    expect(() => buildOrThrow({ command: process.execPath, args: ["-e", "process.exit(0)"], cwd: "." })).not.toThrow();
  });

  it("fails when the build fails, instead of running against an older dist/", () => {
    expect(() => buildOrThrow({ command: process.execPath, args: ["-e", "process.exit(2)"], cwd: "." })).toThrow(
      ChaosBuildError,
    );
    expect(() =>
      buildOrThrow({ command: process.execPath, args: ["-e", "process.kill(process.pid)"], cwd: "." }),
    ).toThrow(/signal SIGTERM/);
  });

  it("fails when the build cannot even start", () => {
    expect(() => buildOrThrow({ command: "/nonexistent/pnpm", args: [], cwd: "." })).toThrow(/could not start/);
  });
});
