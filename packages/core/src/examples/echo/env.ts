// env.ts — the one reader of process.env (`main.ts`: `await runGateway(echo, readEchoEnv, { hosts: [salesrender] })`).
import type { GatewayEnvironment } from "../../index.js";

/** The gateway's own environment: what `setup` needs besides core. */
export interface EchoEnv {
  apiBase: string;
}

/** Core's variables as they are, and the gateway's own. */
export function readEchoEnv(source: Record<string, string | undefined> = process.env): GatewayEnvironment<EchoEnv> {
  return { core: source, gateway: { apiBase: source.ECHO_API_BASE ?? "https://api.echo.example" } };
}
