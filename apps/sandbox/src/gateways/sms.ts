/**
 * @module gateways/sms — the SMS gateway in the sandbox: the fake Twilio with the company's account
 * and number, its settings, and phones that text the number.
 */
import { startFakeTwilio } from "@switchboard/testkit/twilio";
import { TWILIO_ACCOUNT } from "../channels.js";
import { SmsCustomers } from "../customers/sms-customers.js";
import { addSmsRoutes } from "../web/sms-routes.js";
import type { SandboxGateway } from "./sandbox-gateway.js";

/** The SMS gateway (`apps/sms`). */
export const smsSandbox: SandboxGateway = {
  name: "sms",
  label: "SMS",
  packageName: "@switchboard/sms",
  ports: { http: { variable: "SMS_PORT", fallback: 8082 } },
  variablePrefixes: ["TWILIO_"],
  contactPlaceholder: "+14155550123",
  async start({ uploads, publish }) {
    const fake = await startFakeTwilio();
    fake.addAccount(TWILIO_ACCOUNT.accountSid, TWILIO_ACCOUNT.authToken);
    fake.addPhoneNumber(TWILIO_ACCOUNT.accountSid, TWILIO_ACCOUNT.number);
    const customers = new SmsCustomers(fake, uploads, (phone) => publish({ phone }));
    return {
      env: { TWILIO_API_BASE_URL: fake.url },
      settings: {
        main: {
          accountSid: TWILIO_ACCOUNT.accountSid,
          authToken: TWILIO_ACCOUNT.authToken,
          sender: TWILIO_ACCOUNT.number,
          statusCallbacks: true,
        },
      },
      page: "sms.html",
      addRoutes: (app, store) => addSmsRoutes(app, customers, store),
      failureReason: (contact) => customers.failureReason(contact),
      async close() {
        customers.close();
        await fake.close();
      },
    };
  },
};
