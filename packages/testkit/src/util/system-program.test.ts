import { afterEach, describe, expect, it, vi } from "vitest";
import { MissingSystemProgramError, requireSystemProgram } from "./system-program.js";

const missing = {
  name: "Frobnicator",
  candidates: ["/nonexistent/frob", "frob-not-installed"],
  neededBy: "the frob test",
  install: "apt-get install frob",
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("requireSystemProgram", () => {
  it("gives the path of a program found by absolute path or on PATH", () => {
    expect(requireSystemProgram({ ...missing, candidates: ["/nonexistent/x", process.execPath] }, {})).toBe(
      process.execPath,
    );
    expect(requireSystemProgram({ ...missing, candidates: ["sh"] }, { PATH: "/nonexistent:/bin:/usr/bin" })).toMatch(
      /\/sh$/,
    );
  });

  it("outside CI, skips with one line saying what and how to enable it", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(requireSystemProgram(missing, { PATH: "/nonexistent" })).toBeUndefined();
    expect(warn.mock.calls).toEqual([["skipped: the frob test needs Frobnicator — apt-get install frob"]]);
  });

  it("under CI=true, fails instead of skipping", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(() => requireSystemProgram(missing, { CI: "true", PATH: "/nonexistent" })).toThrow(
      MissingSystemProgramError,
    );
    expect(() => requireSystemProgram(missing, { CI: "true" })).toThrow(
      /the frob test needs Frobnicator .*apt-get install frob/,
    );
    expect(warn).not.toHaveBeenCalled();
  });
});
