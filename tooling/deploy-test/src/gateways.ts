/**
 * @module gateways — the apps that deploy on their own, and where the repository is.
 */
import { fileURLToPath } from "node:url";

/** The repository's root folder (this file is tooling/deploy-test/src/gateways.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A gateway app that is deployed as its own bundle. */
export interface DeployableGateway {
  /** Folder under apps/ and the word in its names (`telegram`). */
  name: "telegram" | "sms" | "email";
  /** Its package name, as `pnpm --filter` takes it. */
  packageName: string;
  /** The HTTP port it listens on by default (`PORT`). */
  defaultPort: number;
}

/** Every channel gateway, in the order the docs list them. */
export const DEPLOYABLE_GATEWAYS: readonly DeployableGateway[] = [
  { name: "telegram", packageName: "@switchboard/telegram", defaultPort: 8081 },
  { name: "sms", packageName: "@switchboard/sms", defaultPort: 8082 },
  { name: "email", packageName: "@switchboard/email", defaultPort: 8083 },
];
