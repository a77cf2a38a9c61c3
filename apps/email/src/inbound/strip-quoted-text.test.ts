import { describe, expect, it } from "vitest";
import { stripQuotedText } from "./strip-quoted-text.js";

describe("stripQuotedText", () => {
  it("cuts Gmail-style attribution and quote", () => {
    const text =
      "Thanks, that works!\n\nOn Mon, 1 Jan 2024 at 10:00, Shop <shop@example.com> wrote:\n> Your order shipped.\n> Regards";
    expect(stripQuotedText(text)).toBe("Thanks, that works!");
  });

  it("cuts an attribution wrapped over two lines", () => {
    const text = "Yes please.\n\nOn Mon, 1 Jan 2024 at 10:00, A Very Long Name\n<shop@example.com> wrote:\n> Shall we?";
    expect(stripQuotedText(text)).toBe("Yes please.");
  });

  it("cuts Outlook headers and the original message separator", () => {
    expect(stripQuotedText("New text\r\n\r\n-----Original Message-----\r\nFrom: Shop\r\nold")).toBe("New text");
    expect(stripQuotedText("Hi\n\nFrom: Shop <shop@example.com>\nSent: Monday\nTo: me\nSubject: x\n\nold")).toBe("Hi");
  });

  it("cuts Russian attributions", () => {
    expect(
      stripQuotedText("Спасибо!\n\n1 янв. 2024 г., в 10:00, Магазин <shop@example.com> написал(а):\n> Заказ отправлен"),
    ).toBe("Спасибо!");
  });

  it("cuts a trailing block of quoted lines", () => {
    expect(stripQuotedText("Answer\n\n> question\n>\n> more\n")).toBe("Answer");
  });

  it("keeps inline answers between quotes", () => {
    const text = "> Do you want red?\nYes\n> Size?\nM";
    expect(stripQuotedText(text)).toBe(text);
  });

  it("keeps the full text when the cut would leave nothing", () => {
    const text = "On Mon, 1 Jan 2024, Shop wrote:\n> only a quote";
    expect(stripQuotedText(text)).toBe(text);
  });

  it("leaves a mail without quotes as it is", () => {
    expect(stripQuotedText("  Hello,\n\nI want to order.\n-- \nAnna  ")).toBe("Hello,\n\nI want to order.\n-- \nAnna");
  });
});
