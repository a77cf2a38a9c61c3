/**
 * @module bundle — the deploy path under test: `pnpm --filter <app> deploy --prod <dir>`, and what
 * makes its output a bundle that runs with nothing but Node (no sources, nothing outside it).
 */
import { spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { pnpmCommand, toolEnvironment } from "./env.js";
import { REPO_ROOT, type DeployableGateway } from "./gateways.js";

/** The arguments of the deploy, as the docs and the Dockerfiles run it (after `pnpm`). */
export function deployArguments(gateway: DeployableGateway, dir: string): string[] {
  return ["--filter", gateway.packageName, "deploy", "--prod", dir];
}

/** Thrown when `pnpm deploy` fails; carries what pnpm printed. */
export class DeployFailedError extends Error {
  override name = "DeployFailedError";
}

/** Runs a command, throwing {@link DeployFailedError} with its output unless it exits 0. */
async function run(command: string, args: string[], cwd: string): Promise<void> {
  const child = spawn(command, args, { cwd, env: toolEnvironment(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0)
    throw new DeployFailedError(`${command} ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`);
}

/** Runs pnpm (the one running this test) with `args` in `cwd`. */
export async function runPnpm(args: string[], cwd: string): Promise<void> {
  const { command, prefix } = pnpmCommand();
  await run(command, [...prefix, ...args], cwd);
}

/**
 * Runs the deploy from the repository root into `dir` (which must not exist yet). `--offline`:
 * everything comes from the store `pnpm install` filled, so the test never needs the registry.
 */
export async function deployBundle(gateway: DeployableGateway, dir: string): Promise<void> {
  await runPnpm([...deployArguments(gateway, dir), "--offline"], REPO_ROOT);
}

/** The Dockerfiles' first step: `turbo prune <package> --docker` into `dir` (json/ and full/). */
export async function pruneForDocker(gateway: DeployableGateway, dir: string): Promise<void> {
  await run(
    join(REPO_ROOT, "node_modules", ".bin", "turbo"),
    ["prune", gateway.packageName, "--docker", "--out-dir", dir],
    REPO_ROOT,
  );
}

/** Names that belong to the sources and the dev set-up, never in a bundle's own top folder. */
const DEV_ONLY = [
  "src",
  "test",
  "tsconfig.json",
  "tsconfig.build.json",
  "vitest.config.ts",
  "eslint.config.js",
  ".turbo",
];

/** Every path under `dir` (relative), symlinks not followed. */
function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(relative(base, path));
    if (entry.isDirectory()) walk(path, base, out);
  }
  return out;
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/**
 * Where the workspace's own packages were copied into the bundle (`injectWorkspacePackages`):
 * `node_modules/.pnpm/@switchboard+<name>@…/node_modules/@switchboard/<name>`, relative.
 */
function injectedPackages(paths: readonly string[]): string[] {
  const pnpm = join("node_modules", ".pnpm");
  return paths.filter((path) => {
    const parts = path.split(sep);
    return (
      path.startsWith(pnpm + sep) &&
      parts.length === 6 &&
      parts[2]!.startsWith("@switchboard+") &&
      parts[3] === "node_modules" &&
      parts[4] === "@switchboard"
    );
  });
}

/**
 * What keeps the folder from being a self-contained bundle, one line each (empty: none): sources
 * or tests in it or in a workspace package copied into it (core, the hosts), a symlink that leaves
 * it, a `node_modules` in a folder above it (Node would look there), better-sqlite3's native
 * binary missing.
 */
export function bundleProblems(dir: string): string[] {
  const root = realpathSync(dir);
  const problems: string[] = [];
  for (const name of DEV_ONLY) if (existsSync(join(root, name))) problems.push(`${name} is in the bundle`);
  if (!existsSync(join(root, "dist", "main.js"))) problems.push("dist/main.js is missing");
  const paths = walk(root);
  const packages = injectedPackages(paths);
  for (const pkg of packages) {
    for (const name of DEV_ONLY)
      if (existsSync(join(root, pkg, name))) problems.push(`${join(pkg, name)} is in the bundle`);
  }
  // Our own files: the app's, and each copied workspace package's (not their dependencies').
  const own = (path: string) =>
    !path.includes(`node_modules${sep}`) ||
    packages.some((pkg) => path.startsWith(pkg + sep) && !path.slice(pkg.length + 1).includes(`node_modules${sep}`));
  for (const path of paths) {
    const full = join(root, path);
    if (/\.test\.(js|ts)$/.test(path) && own(path)) problems.push(`a test is in the bundle: ${path}`);
    if (!lstatSync(full).isSymbolicLink()) continue;
    let target: string;
    try {
      target = realpathSync(full);
    } catch {
      problems.push(`dangling symlink ${path}`);
      continue;
    }
    if (!inside(target, root)) problems.push(`${path} points outside the bundle, at ${target}`);
  }
  for (let up = dirname(root); ; up = dirname(up)) {
    if (existsSync(join(up, "node_modules"))) problems.push(`${join(up, "node_modules")} is above the bundle`);
    if (dirname(up) === up) break;
  }
  if (!paths.some((path) => path.endsWith(join("better-sqlite3", "build", "Release", "better_sqlite3.node")))) {
    problems.push("better-sqlite3's native binary (build/Release/better_sqlite3.node) is missing");
  }
  return problems;
}
