/**
 * @module sandbox — how `pnpm start` (apps/sandbox) runs this gateway: its port, its fake with one
 * account, the settings the simulated company saves, and a customer who writes through the fake.
 * The sandbox lists this declaration in its `src/gateways/list.ts`; the shape is its
 * `ChatGatewayDeclaration` (checked there, so nothing here depends on the sandbox).
 */
import { startFakeEcho } from "./fake/fake-echo.js";

/** The company's messages to one contact as the channel took them. */
export interface EchoSandboxSent {
  id: string;
  to: string;
  text: string;
  attachments: Array<{ url: string; name: string }>;
}

/** The Echo gateway in the sandbox. */
export const echoSandbox = {
  name: "echo",
  label: "Echo",
  packageName: "@switchboard/example-echo",
  port: { variable: "ECHO_PORT", fallback: 8089 },
  variablePrefixes: ["ECHO_"],
  contactPlaceholder: "ann",
  async start() {
    const fake = await startFakeEcho();
    const account = fake.addAccount();
    return {
      env: {},
      settings: { channel: { apiUrl: fake.apiUrl, apiKey: account.apiKey, signingSecret: account.signingSecret } },
      /** The messages the channel took from the gateway (the fake's own array, appended to as they come). */
      sent: fake.messages as readonly EchoSandboxSent[],
      /** A customer writes: the channel posts the signed webhook; throws with the gateway's answer unless 2xx. */
      async write(message: { from: string; name?: string; text: string }): Promise<void> {
        const response = await fake.deliverMessage(account, message);
        if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 300)}`);
      },
      /** The channel reports a status of a message it took (delivered, read, failed with a reason). */
      async report(messageId: string, status: "delivered" | "read" | "failed", reason?: string): Promise<void> {
        const response = await fake.deliverStatus(account, messageId, status, reason);
        if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 300)}`);
      },
      close: () => fake.close(),
    };
  },
};
