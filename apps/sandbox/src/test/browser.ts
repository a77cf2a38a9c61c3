/**
 * @module e2e/browser — Debian's Chromium driven by playwright-core, for the sandbox's browser test.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where `.ci/run` installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium (the test skips or fails first, through requireSystemProgram, when it is missing). */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} is missing: install it with "apt-get update && apt-get install -y chromium" (.ci/run does)`,
    );
  }
  return chromium.launch({ executablePath, args: ARGS, headless: true });
}
