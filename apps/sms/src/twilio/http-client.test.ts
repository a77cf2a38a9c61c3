import { describe, expect, it } from "vitest";
import { rewriteToBase } from "./http-client.js";

describe("API base rewriting", () => {
  it("leaves Twilio's own hosts alone with the default base", () => {
    const uri = "https://messaging.twilio.com/v1/Services/MG1";
    expect(rewriteToBase(uri, "https://api.twilio.com")).toBe(uri);
  });

  it("sends every product's path to a custom base", () => {
    expect(rewriteToBase("https://api.twilio.com/2010-04-01/Accounts/AC1.json?x=1", "http://127.0.0.1:4010")).toBe(
      "http://127.0.0.1:4010/2010-04-01/Accounts/AC1.json?x=1",
    );
    expect(rewriteToBase("https://messaging.twilio.com/v1/Services/MG1", "http://proxy.test/twilio/")).toBe(
      "http://proxy.test/twilio/v1/Services/MG1",
    );
  });
});
