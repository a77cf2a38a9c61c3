/**
 * @module env — the one place the SalesRender host reads its environment (from the record core reads).
 */
import { z } from "zod";

const schema = z.object({
  LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME: z.string().default("https"),
  LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME: z.string().default("backend.leadvertex.com,backend.salesrender.com"),
});

/** Who may issue CRM tokens: the issuer's scheme and host suffixes. */
export interface SalesRenderEnv {
  /** `LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME`, lower-case, without `:`. */
  issuerScheme: string;
  /** `LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME`: host suffixes, lower-case. */
  issuerHostnames: string[];
}

/** Reads and validates the host's variables; throws one `Invalid configuration: …` error. */
export function readSalesRenderEnv(source: Record<string, string | undefined>): SalesRenderEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    issuerScheme: e.LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME.replace(/:$/, "").toLowerCase(),
    issuerHostnames: e.LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME.split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  };
}
