import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, type Stack } from "../test/stack.js";

const MiB = 1024 * 1024;

/** POSTs a real multipart body (built by fetch from FormData) as the CRM would. */
function upload(stack: Stack, path: string, form: FormData | string, options: { ref?: typeof TENANT_A } = {}) {
  const token = stack.crm.pluginToken(stack.gw.url, options.ref ?? TENANT_A, { settings: false });
  return fetch(`${stack.gw.url}${path}`, { method: "POST", headers: { "x-plugin-token": token }, body: form });
}

function fileForm(name: string, bytes: number | Uint8Array, type = "application/octet-stream"): FormData {
  const form = new FormData();
  const data = typeof bytes === "number" ? new Uint8Array(bytes).fill(7) : bytes;
  form.set("file", new File([data], name, { type }));
  return form;
}

describe("uploads with per-extension limits (jpg=1KiB, PNG=2KiB, no *)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(createEchoGateway().definition, {
      env: { SWITCHBOARD_UPLOAD_LIMITS: "jpg=1KiB, PNG=2KiB" },
    });
  });
  afterAll(() => stack.close());
  const permissions = { jpg: 1024, png: 2048 };

  it("needs X-PLUGIN-TOKEN", async () => {
    const res = await fetch(`${stack.gw.url}protected/upload`, { method: "POST", body: fileForm("a.jpg", 10) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, message: "X-PLUGIN-TOKEN not found" });
  });

  it("checks in PHP's order: 400 no file part, 403 no extension, 415 extension not allowed, 413 too big", async () => {
    const noFile = new FormData();
    noFile.set("other", "x");
    noFile.set("file", "a text field, not a file");
    const cases: Array<[FormData | string, number, string]> = [
      [noFile, 400, "The request has no file in the multipart field `file`"],
      ["not multipart at all", 400, "The request has no file in the multipart field `file`"],
      // No extension wins over too big; a refused extension wins over too big.
      [fileForm("README", 5000), 403, "Files without extension can not be uploaded"],
      [fileForm("archive.", 10), 403, "Files without extension can not be uploaded"],
      [fileForm("tool.exe", 5000), 415, "Files with *.exe can not be uploaded"],
      [fileForm("photo.jpg", 1025), 413, "Files too big and can not be uploaded"],
    ];
    for (const [body, code, message] of cases) {
      const res = await upload(stack, "protected/upload", body);
      expect(res.status, message).toBe(code);
      expect(await res.json()).toEqual({ code, message, permissions });
    }
  });

  it("stores an allowed file and serves it from an unguessable URI under LV_PLUGIN_SELF_URI/uploaded/", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, ...new Array(2044).fill(1)]);
    const res = await upload(stack, "protected/upload", fileForm("Photo.PNG", png, "image/png"));
    expect(res.status).toBe(200);
    const { uri } = (await res.json()) as { uri: string };
    const publicId = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
    expect(uri).toMatch(new RegExp(`^${stack.gw.url}uploaded/${publicId}/[0-9a-f-]{36}\\.png$`));
    // Named by the tenant's random public id, never by company and plugin id as PHP does.
    expect(new URL(uri).pathname).not.toContain(`/${TENANT_A.companyId}/${TENANT_A.pluginId}/`);
    const got = await fetch(uri);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("content-disposition")).toBe("inline; filename*=UTF-8''Photo.PNG");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    // Two uploads of the same file get different names.
    const again = (await (await upload(stack, "protected/upload", fileForm("Photo.PNG", png, "image/png"))).json()) as {
      uri: string;
    };
    expect(again.uri).not.toBe(uri);
  });

  it("keeps uploads per tenant and ends them with SWITCHBOARD_FILE_TTL_HOURS", async () => {
    const res = await upload(stack, "protected/upload/image", fileForm("a.jpg", 100, "image/jpeg"), { ref: TENANT_B });
    const { uri } = (await res.json()) as { uri: string };
    const id = /\/([0-9a-f-]{36})\.jpg$/.exec(uri)![1]!;
    const publicIdA = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!
      .publicId;
    const publicIdB = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_B)))!
      .publicId;
    expect((await fetch(uri)).status).toBe(200);
    // Under another tenant's public id the same name is nothing.
    expect((await fetch(uri.replace(publicIdB, publicIdA))).status).toBe(404);
    const sqlite = stack.gw.runtime.db.$client;
    const row = sqlite.prepare("SELECT tenant_id AS tenantId FROM stored_files WHERE id = ?").get(id) as {
      tenantId: number;
    };
    expect(row.tenantId).toBe(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_B)))!.id,
    );
    // Older than the file lifetime: gone at once, and the cleaner (same table) deletes it.
    sqlite.prepare("UPDATE stored_files SET created_at = ? WHERE id = ?").run(Date.now() - 721 * 3600_000, id);
    const gone = await fetch(uri);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ code: 404, message: "File not found" });
  });
});

describe("uploads with the default limits (any extension up to 10 MiB)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(createEchoGateway().definition);
  });
  afterAll(() => stack.close());
  const permissions = { "*": 10 * MiB };

  it("takes a file of exactly 10 MiB on every uploader route and refuses one byte more with 413", async () => {
    for (const path of ["protected/upload", "protected/upload/image", "protected/upload/voice"]) {
      const ok = await upload(stack, path, fileForm("big.bin", 10 * MiB));
      expect(ok.status, path).toBe(200);
    }
    const big = await upload(stack, "protected/upload", fileForm("big.bin", 10 * MiB + 1));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ code: 413, message: "Files too big and can not be uploaded", permissions });
  });

  it("refuses a body far over the limit while it streams, without a Content-Length", async () => {
    const chunk = new Uint8Array(MiB).fill(1);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 30) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const token = stack.crm.pluginToken(stack.gw.url, TENANT_A);
    const res = await fetch(`${stack.gw.url}protected/upload`, {
      method: "POST",
      headers: { "x-plugin-token": token, "content-type": "multipart/form-data; boundary=x" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { permissions: unknown }).permissions).toEqual(permissions);
    expect(sent).toBeLessThan(30);
  });

  it("serves an uploaded SVG or HTML file as a download that cannot run", async () => {
    for (const [name, type] of [
      ["x.svg", "image/svg+xml"],
      ["x.html", "text/html"],
    ] as const) {
      const res = await upload(
        stack,
        "protected/upload",
        fileForm(name, new TextEncoder().encode("<script>1</script>"), type),
      );
      const { uri } = (await res.json()) as { uri: string };
      const got = await fetch(uri);
      expect(got.headers.get("content-type")).toBe(type);
      expect(got.headers.get("content-disposition")).toBe(`attachment; filename*=UTF-8''${name}`);
      expect(got.headers.get("x-content-type-options")).toBe("nosniff");
      expect(got.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    }
  });

  it("answers 404 {code, message} for an uploader the PHP chat plugins do not register", async () => {
    for (const name of ["file", "constructor", "__proto__"]) {
      const res = await upload(stack, `protected/upload/${name}`, fileForm("a.jpg", 1));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ code: 404, message: "Uploader not found" });
    }
  });
});

describe("uploads switched off (SWITCHBOARD_UPLOAD_LIMITS empty)", () => {
  it("answers 405 {code, message, permissions}", async () => {
    const stack = await startStack(createEchoGateway().definition, { env: { SWITCHBOARD_UPLOAD_LIMITS: "" } });
    try {
      for (const path of ["protected/upload", "protected/upload/voice"]) {
        const res = await upload(stack, path, fileForm("a.jpg", 1));
        expect(res.status).toBe(405);
        expect(await res.json()).toEqual({ code: 405, message: "This plugin do not work with files", permissions: [] });
      }
    } finally {
      await stack.close();
    }
  });
});

describe("uploads over the tenant's storage quota (SWITCHBOARD_TENANT_FILES_QUOTA_MB=1)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(createEchoGateway().definition, {
      env: { SWITCHBOARD_UPLOAD_LIMITS: "*=1MiB", SWITCHBOARD_TENANT_FILES_QUOTA_MB: "1" },
    });
  });
  afterAll(() => stack.close());

  it("answers 413 {code, message} once a tenant's files would pass the quota; another tenant still uploads", async () => {
    expect((await upload(stack, "protected/upload", fileForm("a.bin", Math.round(0.6 * MiB)))).status).toBe(200);
    const refused = await upload(stack, "protected/upload", fileForm("b.bin", Math.round(0.6 * MiB)));
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ code: 413, message: expect.stringMatching(/^Storage quota reached/) });
    expect(
      (await upload(stack, "protected/upload", fileForm("c.bin", Math.round(0.6 * MiB)), { ref: TENANT_B })).status,
    ).toBe(200);
  });
});
