/**
 * @module portal/settings-slider — the connector's settings slider. Bitrix24 opens it as an iframe
 * whose document is our app's answer to the `SETTING_CONNECTOR` placement POST; here the fake
 * portal makes that POST (`openSettings`) and the sandbox serves the answer as the slider's frame.
 * The page's form posts back to the frame, and the sandbox hands those fields to `openSettings`
 * again, so the app receives the placement with the person's fields, as the fake plays a save.
 *
 * Because the page now comes from the sandbox's origin, two things of it are adapted, and only
 * those: its form posts to the frame's own path (the app's policy allows `form-action 'self'`), and
 * its `frame-ancestors` becomes `'self'` (the sandbox frames it, not the portal's domain).
 */
import type { FakePortal } from "@switchboard/testkit/bitrix24";

/** What the slider's frame answers. */
export interface SliderPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Thrown when the slider cannot open (the app is not installed, no connector is registered). */
export class SliderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SliderUnavailableError";
  }
}

/** Thrown when the app did not answer the placement at all. */
export class SliderUnansweredError extends Error {
  constructor(reason: string) {
    super(`The app did not answer the settings placement: ${reason}`);
    this.name = "SliderUnansweredError";
  }
}

/** Headers of the app's answer that the frame keeps (the rest are hop-by-hop or about the app's server). */
const KEPT_HEADERS = ["content-type", "x-content-type-options", "cache-control", "referrer-policy"];

/**
 * Opens the slider of `line` (with `form`: the fields the page posted back) and returns the app's
 * page for the frame at `framePath`.
 */
export async function openSlider(
  portal: FakePortal,
  line: number,
  framePath: string,
  form?: URLSearchParams,
): Promise<SliderPage> {
  if (!portal.state.installed) {
    throw new SliderUnavailableError("The app is not installed on the portal yet, so there is no settings page");
  }
  let answer;
  try {
    answer = await portal.openSettings(line, form);
  } catch (error) {
    throw new SliderUnavailableError(error instanceof Error ? error.message : String(error));
  }
  if (answer.status === 0) throw new SliderUnansweredError(answer.event.error ?? "no answer");
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  headers["x-content-type-options"] = "nosniff";
  const policy = answer.headers["content-security-policy"];
  // An answer without a policy (an error text) still may not run anything in the sandbox's origin.
  headers["content-security-policy"] = policy ? framedBySelf(policy) : "default-src 'none'; frame-ancestors 'self'";
  const html = /^text\/html\b/i.test(headers["content-type"] ?? "");
  return { status: answer.status, headers, body: html ? postingTo(answer.html, framePath) : answer.html };
}

/** The app's policy with `frame-ancestors 'self'` instead of the portal's origin. */
export function framedBySelf(policy: string): string {
  const directives = policy
    .split(";")
    .map((d) => d.trim())
    .filter((d) => d && !/^frame-ancestors\b/i.test(d));
  return [...directives, "frame-ancestors 'self'"].join("; ");
}

/** The page with every form's `action` set to the frame's path. */
export function postingTo(html: string, framePath: string): string {
  const action = `action="${framePath.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`)}"`;
  return html.replace(/<form\b[^>]*>/gi, (tag) =>
    /\saction\s*=/i.test(tag)
      ? tag.replace(/\saction\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i, ` ${action}`)
      : tag.replace(/^<form\b/i, `<form ${action}`),
  );
}
