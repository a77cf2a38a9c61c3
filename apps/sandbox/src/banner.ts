/**
 * @module banner — what `pnpm start` prints once everything runs, and how gateway log lines look.
 */
import type { Channel } from "./channels.js";
import type { Sandbox } from "./sandbox.js";

/** The short banner with every URL a person needs. */
export function formatBanner(sandbox: Sandbox, dataDir: string, startedInMs: number): string {
  const pad = (label: string) => label.padEnd(20);
  const portsOf = (ports: Readonly<Record<string, number>>) =>
    Object.entries(ports)
      .map(([name, port]) => (name === "http" ? `:${port}` : `(${name} :${port})`))
      .join(" ");
  return [
    "",
    `  Switchboard sandbox is running (started in ${(startedInMs / 1000).toFixed(1)} s)`,
    "",
    `  Inbox (the CRM)     ${sandbox.url}`,
    `  Bitrix24 portal     ${sandbox.url}bitrix24`,
    ...sandbox.channels.map((c) => `  ${pad(`${c.label} customer`)}${sandbox.url}customer/${c.name}`),
    "",
    `  Gateways            ${sandbox.channels.map((c) => `${c.name} ${portsOf(c.ports)}`).join(" · ")}`,
    `  Data                ${dataDir}`,
    "",
    "  Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** A gateway's pino line as `[telegram] warn: message {details}`; other lines as they are. */
export function formatGatewayLine(channel: Channel, line: string): string {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const { level, msg, time: _time, pid: _pid, hostname: _host, name: _name, ...rest } = entry;
    const details = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    return `[${channel}] ${LEVELS[Number(level)] ?? "log"}: ${String(msg ?? "")}${details}`;
  } catch {
    return `[${channel}] ${line}`;
  }
}
