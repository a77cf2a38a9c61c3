/**
 * @module gateway/noop-gateway — a gateway whose sender does nothing, to measure core's queue alone.
 * Its sender waits behind a gate until it is opened (the bench's child: on SIGUSR2) so a backlog
 * can be built first.
 */
import { deflateSync } from "node:zlib";
import { defineGateway } from "@switchboard/core";

/** The signal the bench sends the gateway child to open the gate. */
export const OPEN_GATE_SIGNAL = "SIGUSR2";

/** Builds the do-nothing gateway and the function opening its gate; `gated: false` starts with it open. */
export function createNoopGateway(options: { gated: boolean }) {
  let open: () => void = () => undefined;
  const gate = options.gated ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
  const gateway = defineGateway({
    name: "noop",
    defaultPort: 0,
    info: { name: "No-op", description: "Sends nothing; measures the queue" },
    contactType: "uri",
    capabilities: {
      subject: false,
      messages: { formats: ["text"], incoming: false, outgoing: true, writeFirst: true, statuses: ["sent"] },
      attachments: [],
    },
    icon: onePixelPng(),
    settings: { title: "No-op", groups: {} },
    setup: () => ({
      async send(_ctx, message) {
        await gate;
        return `noop-${message.queueId}`;
      },
    }),
  });
  return { gateway, open: () => open() };
}

function onePixelPng(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    Buffer.from(type).copy(out, 4);
    data.copy(out, 8);
    return out; // CRC left zero: the icon is never decoded in the bench.
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])),
    chunk("IDAT", deflateSync(Buffer.from([0, 0, 0, 0, 0]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
