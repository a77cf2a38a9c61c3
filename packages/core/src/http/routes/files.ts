/**
 * @module http/routes/files — serves signed file links (`GET /files/<token>/<name>`).
 */
import { Hono } from "hono";
import { HttpError, SwitchboardError } from "../../errors.js";
import type { FileResponse } from "../../gateway/types.js";
import { ownEntry } from "../../util/own-entry.js";
import type { AppDeps, AppEnv } from "../context.js";
import { fileResponse } from "../file-headers.js";

/** Streams the file behind a valid, unexpired link; anything else is 404/410 without detail. */
export function fileRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const serve = async (token: string): Promise<Response> => {
    const target = deps.links.verify(token);
    if (target === "expired") throw new HttpError(410, "File link has expired");
    if (!target) throw new HttpError(404, "File not found");
    const tenant = await deps.tenants.byKey(target.tenant.host, target.tenant.key);
    if (!tenant) throw new HttpError(404, "File not found");
    let file: FileResponse | undefined;
    try {
      if (target.kind === "stored") {
        file = await deps.files.open(tenant, target.key);
      } else {
        const resolver =
          ownEntry(deps.instance.files, target.kind) ?? ownEntry(deps.hosts.get(tenant.host)?.files, target.kind);
        file = resolver ? await resolver(tenant, target.key) : undefined;
      }
    } catch (error) {
      deps.logger.warn({ event: "file.open_failed", err: error, fileKind: target.kind }, "file could not be opened");
      if (error instanceof SwitchboardError && !error.retryable) throw new HttpError(404, "File not found");
      throw new HttpError(502, "File could not be fetched from the channel, try again later");
    }
    if (!file) throw new HttpError(404, "File not found");
    return fileResponse(file);
  };
  app.get("/files/:token/:name", (c) => serve(c.req.param("token")));
  app.get("/files/:token", (c) => serve(c.req.param("token")));
  return app;
}
