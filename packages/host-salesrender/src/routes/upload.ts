/**
 * @module routes/upload — `POST /protected/upload[/<name>]` (§5.6), as the PHP framework
 * registers uploaders for chat plugins (default, `image`, `voice`), and `GET /uploaded/…`, which
 * serves what was uploaded.
 *
 * The checks and answers follow PHP's UploadAction in its order: 405 uploads off, 400 no `file`
 * part, 403 no extension, 415 extension not allowed, 413 too big, each `{code, message,
 * permissions}` (PHP's 400 has an empty body; ours says why).
 */
import { FileQuotaExceededError, HttpError } from "@switchboard/core";
import {
  BodyTooLargeError,
  fileResponse,
  permissionsJson,
  readBoundedBody,
  uploadLimitFor,
  type UploadLimits,
} from "@switchboard/core/internal";
import { Hono, type Context } from "hono";
import type { RouteDeps, RouteEnv } from "./context.js";
import { requirePluginToken } from "./plugin-token.js";

/** Uploader names besides the default one, as the PHP chat example registers them. */
const UPLOADER_NAMES = new Set(["image", "voice"]);

/** Room for the multipart framing around the file (boundaries, part headers, small fields). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Path under LV_PLUGIN_SELF_URI where uploads are served. */
const UPLOADED_PATH = "uploaded/";

/** The largest body an upload route reads: the largest permitted file plus multipart framing. */
function uploadBodyLimit(limits: UploadLimits): number {
  return Math.max(0, ...limits.values()) + MULTIPART_OVERHEAD_BYTES;
}

/** The upload routes and the route serving uploaded files. */
export function uploadRoutes(deps: RouteDeps): Hono<RouteEnv> {
  const app = new Hono<RouteEnv>();
  const { config, files, tenants } = deps.runtime;
  const limits = config.uploadLimits;
  const refuse = (c: Context<RouteEnv>, code: 400 | 403 | 405 | 413 | 415, message: string) =>
    c.json({ code, message, permissions: permissionsJson(limits) }, code);

  const upload = async (c: Context<RouteEnv>) => {
    if (limits.size === 0) return refuse(c, 405, "This plugin do not work with files");
    const form = await readMultipart(c, uploadBodyLimit(limits));
    if (form === "too-large") return refuse(c, 413, "Files too big and can not be uploaded");
    const file = form?.get("file");
    if (!(file instanceof File)) return refuse(c, 400, "The request has no file in the multipart field `file`");
    const extension = extensionOf(file.name);
    if (extension === "") return refuse(c, 403, "Files without extension can not be uploaded");
    const limit = uploadLimitFor(limits, extension);
    if (limit === undefined) return refuse(c, 415, `Files with *.${extension} can not be uploaded`);
    if (file.size > limit) return refuse(c, 413, "Files too big and can not be uploaded");

    const tenant = c.get("tenant");
    let id: string;
    try {
      id = await files.put(tenant, {
        name: file.name,
        contentType: file.type,
        data: new Uint8Array(await file.arrayBuffer()),
      });
    } catch (error) {
      if (error instanceof FileQuotaExceededError) return refuse(c, 413, error.message);
      throw error;
    }
    return c.json({
      uri: `${config.selfUri}${UPLOADED_PATH}${tenant.publicId}/${id}.${encodeURIComponent(extension)}`,
    });
  };

  app.use("/protected/upload", requirePluginToken(deps));
  app.use("/protected/upload/*", requirePluginToken(deps));
  app.post("/protected/upload", upload);
  app.post("/protected/upload/:name", (c) => {
    if (!UPLOADER_NAMES.has(c.req.param("name"))) throw new HttpError(404, "Uploader not found");
    return upload(c);
  });

  app.get(`/${UPLOADED_PATH}:publicId/:file`, async (c) => {
    const tenant = await tenants.byPublicId(c.req.param("publicId"));
    const id = /^([0-9a-f-]{36})(?:\.|$)/.exec(c.req.param("file"))?.[1];
    const file = tenant && id ? await files.open(tenant, id, { maxAgeMs: config.fileTtlMs }) : undefined;
    if (!file) throw new HttpError(404, "File not found");
    return fileResponse(file);
  });
  return app;
}

/** PHP's `pathinfo($name, PATHINFO_EXTENSION)`, lower-cased: what follows the last dot of the base name. */
function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot < 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/** The multipart form of the request, read at most `maxBytes`; undefined when it is not one. */
async function readMultipart(c: Context<RouteEnv>, maxBytes: number): Promise<FormData | undefined | "too-large"> {
  const type = c.req.header("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) return undefined;
  const body = await readLimited(c, maxBytes);
  if (body === "too-large") return body;
  try {
    return await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    return undefined;
  }
}

/** The body, or `too-large` as soon as more than `maxBytes` arrived (core's bounded reader). */
async function readLimited(c: Context<RouteEnv>, maxBytes: number): Promise<Uint8Array | "too-large"> {
  try {
    return await readBoundedBody(c, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return "too-large";
    throw error;
  }
}
