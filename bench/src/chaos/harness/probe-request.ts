/**
 * One HTTP request whose answer a property checks: status, raw text and parsed JSON (if any).
 */

/** What came back. */
export interface Answer {
  status: number;
  text: string;
  json: unknown;
}

/** Sends a request; a network failure is status 0 (the server crashed or hung up). */
export async function probe(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<Answer> {
  try {
    const res = await fetch(url, {
      ...init,
      body: init.body as RequestInit["body"],
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  } catch {
    return { status: 0, text: "", json: undefined };
  }
}

/** An error answer in the protocol's shape: `{code: <status>, message: "<text>"}`. */
export function isCodeMessage(answer: Answer): boolean {
  const body = answer.json as { code?: unknown; message?: unknown } | undefined;
  return (
    typeof body === "object" &&
    body !== null &&
    typeof body.code === "number" &&
    typeof body.message === "string" &&
    body.message !== ""
  );
}

/** The settings form's field errors (`{group: {field: [messages]}}`), the protocol's 400 for settings. */
export function isFieldErrors(answer: Answer): boolean {
  const body = answer.json;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  return Object.values(body).every(
    (group) =>
      typeof group === "object" &&
      group !== null &&
      Object.values(group).every((list) => Array.isArray(list) && list.every((m) => typeof m === "string")),
  );
}
