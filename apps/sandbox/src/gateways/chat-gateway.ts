/**
 * @module gateways/chat-gateway — a gateway that declares itself in its own package (its
 * `src/sandbox.ts`, as `pnpm turbo gen gateway` writes it from examples/echo): a port, a fake, the
 * settings, and a customer who writes text and reports statuses. The sandbox gives it the shared
 * chat page (`public/chat.html` at `/customer/<name>`).
 */
import { ChatCustomers } from "../customers/chat-customers.js";
import { addChatRoutes } from "../web/chat-routes.js";
import type { PortSpec, SandboxGateway } from "./sandbox-gateway.js";

/** A status the channel can report of the company's message. */
export type ChatStatus = "delivered" | "read" | "failed";

/** A message the company sent through the gateway, as the fake recorded it. */
export interface ChatSentMessage {
  id: string;
  to: string;
  text: string;
  attachments: ReadonlyArray<{ url: string; name: string }>;
}

/** A gateway package's running fake, as its declaration hands it to the sandbox. */
export interface StartedChatGateway {
  env: Record<string, string>;
  settings: Record<string, Record<string, unknown>>;
  /** What the channel took from the gateway, appended to as messages come (the sandbox watches it). */
  sent: readonly ChatSentMessage[];
  /** A customer writes (the fake's signed webhook); rejects with the gateway's answer when refused. */
  write(message: { from: string; name?: string; text: string }): Promise<void>;
  /** The channel reports a status of a message it took. */
  report(messageId: string, status: ChatStatus, reason?: string): Promise<void>;
  close(): Promise<void> | void;
}

/** The declaration a gateway package exports from `<package>/sandbox`. */
export interface ChatGatewayDeclaration {
  name: string;
  label: string;
  packageName: string;
  port: PortSpec;
  variablePrefixes: string[];
  contactPlaceholder: string;
  start(): Promise<StartedChatGateway>;
}

const CHAT_GATEWAYS = new WeakSet<SandboxGateway>();

/** Whether the gateway came from {@link chatGateway} (so it has the shared chat page). */
export function isChatGateway(gateway: SandboxGateway): boolean {
  return CHAT_GATEWAYS.has(gateway);
}

/** The sandbox's view of a package's own declaration. */
export function chatGateway(declaration: ChatGatewayDeclaration): SandboxGateway {
  const gateway: SandboxGateway = {
    name: declaration.name,
    label: declaration.label,
    packageName: declaration.packageName,
    ports: { http: declaration.port },
    variablePrefixes: declaration.variablePrefixes,
    contactPlaceholder: declaration.contactPlaceholder,
    async start({ publish }) {
      const started = await declaration.start();
      const customers = new ChatCustomers(started, (contact) => publish({ contact }));
      return {
        env: started.env,
        settings: started.settings,
        page: "chat.html",
        addRoutes: (app, store) => addChatRoutes(app, declaration.name, customers, store),
        failureReason: (contact) => customers.failureReason(contact),
        async close() {
          customers.close();
          await started.close();
        },
      };
    },
  };
  CHAT_GATEWAYS.add(gateway);
  return gateway;
}
