/**
 * @module fake-bitrix24/fake-bitrix24 — a real HTTP server on loopback playing a Bitrix24 cloud: the
 * portals' REST API (`/rest/<method>`), the OAuth server (`/oauth/token/`) and the queue server that
 * posts events to the app's handlers; several portals (member ids) at once.
 */
import { randomBytes } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { Listener } from "../crm-simulator/listener.js";
import type { Clock } from "./clock.js";
import { FakeBitrix24State, type PostedEvent, type RecordedCall } from "./fake-state.js";
import type { OAuthFault, PortalOutage, RestFault } from "./faults.js";
import { methodTable } from "./method-table.js";
import { handleOAuthToken, type TokenRequest } from "./oauth-server.js";
import { portalDriver, type FakePortal } from "./portal-driver.js";
import { PortalState, type AppStatus } from "./portal-state.js";
import { DEFAULT_RATE_LIMIT, type RateLimit } from "./rate-bucket.js";
import { handleRest } from "./rest-endpoint.js";
import { fileResponse } from "./served-files.js";

/** Options of {@link startFakeBitrix24}. */
export interface FakeBitrix24Options {
  port?: number;
  /** The app's `client_id` (default `local.fake0000000000.00000000`). */
  clientId?: string;
  /** The app's `client_secret` (default random). */
  clientSecret?: string;
  /** Access-token lifetime in seconds (default 3600). */
  accessTokenTtlSeconds?: number;
  /** The leaky bucket per portal and source IP (default X = 50, Y = 2/s). */
  rateLimit?: Partial<RateLimit>;
  /** The operating limit per method in seconds (default 480). */
  operatingLimitSeconds?: number;
  /** The fake's clock (default `Date.now`); pass `manualClock().now` to move time by hand. */
  clock?: Clock;
  /** The first portal's options (the fake always starts with one, `fake.portal`). */
  portal?: PortalOptions;
}

/** Options of one portal. */
export interface PortalOptions {
  /** Default: 32 random hex digits. */
  memberId?: string;
  /** Default: the fake's host (`127.0.0.1:<port>`). */
  domain?: string;
  /** App status on the portal (default `L`, a local app). */
  status?: AppStatus;
  /** Default `ru`. */
  languageId?: string;
  /** The app's scopes (default `imopenlines`, `imconnector`, `im`). */
  scope?: string[];
  /** Open lines that exist (default `[1]`). */
  lines?: number[];
}

/** A running fake Bitrix24. */
export interface FakeBitrix24 {
  /** Base URL, no trailing slash: the portal, OAuth server (`BITRIX24_OAUTH_URL`) and file host. */
  readonly url: string;
  /** The portals' `client_endpoint` (`<url>/rest/`). */
  readonly restUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly state: FakeBitrix24State;
  /** The portal the fake started with. */
  readonly portal: FakePortal;
  /** Adds another portal (another `member_id`). */
  addPortal(options?: PortalOptions): FakePortal;
  /** A portal by member id. */
  portalOf(memberId: string): FakePortal;
  /** REST calls received (of one method, lower-case, `.json` stripped), oldest first. */
  calls(method?: string): RecordedCall[];
  /** Token requests the OAuth server received. */
  readonly tokenRequests: TokenRequest[];
  /** Events and placements the fake posted, oldest first. */
  readonly events: PostedEvent[];
  /** The next matching REST call(s) answer this error instead. */
  failNext(fault: RestFault): void;
  /** Ends every scripted fault and outage (REST faults, OAuth fault, portal outage). */
  clearFaults(): void;
  /** Makes the OAuth server refuse (`PAYMENT_REQUIRED`, `invalid_client`) or be down (`down` 503, `reset`); null restores it. */
  setOAuthFault(fault: OAuthFault | null): void;
  /** Takes the portals' REST endpoint down (`503`, `reset`); null brings it back. */
  setPortalOutage(outage: PortalOutage | null): void;
  /** Expires every access token now (of one portal, or all). */
  expireAccessTokens(memberId?: string): void;
  /** Drop mode: the queue server records operator and line events without posting them. */
  setDropEvents(drop: boolean): void;
  /** Makes each call of `method` cost `seconds` of operating time (towards `OPERATION_TIME_LIMIT`). */
  setOperatingCost(method: string, seconds: number): void;
  /** Closes the port: portal, OAuth server and file host all refuse connections until {@link resumeListening}. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  resumeListening(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a fake Bitrix24 on 127.0.0.1 (random port unless given). */
export async function startFakeBitrix24(options: FakeBitrix24Options = {}): Promise<FakeBitrix24> {
  const clock = options.clock ?? Date.now;
  const clientSecret = options.clientSecret ?? randomBytes(24).toString("hex");
  const state = new FakeBitrix24State(
    clock,
    options.clientId ?? "local.fake0000000000.00000000",
    clientSecret,
    options.accessTokenTtlSeconds ?? 3600,
    { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
    options.operatingLimitSeconds ?? 480,
  );
  const table = methodTable();
  const tokenRequests: TokenRequest[] = [];
  let url = "";

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.on(["GET", "POST"], "/rest/*", (c) => handleRest(c, state, table, url));
  for (const path of ["/oauth/token", "/oauth/token/"]) {
    app.on(["GET", "POST"], path, (c) => handleOAuthToken(c, state, url, tokenRequests));
  }
  app.get("/files/:id/:name", (c) => fileResponse(state, c.req.param("id")));
  app.all("*", (c) => c.text("Not found", 404));

  const listener = new Listener(app as unknown as Hono, "127.0.0.1");
  url = `http://127.0.0.1:${await listener.listen(options.port ?? 0)}`;
  let closed = false;

  const drivers = new Map<string, FakePortal>();
  const addPortal = (portalOptions: PortalOptions = {}): FakePortal => {
    const memberId = portalOptions.memberId ?? state.secret(16);
    if (state.portals.has(memberId)) throw new Error(`Portal ${memberId} already exists`);
    const portal = new PortalState(memberId, portalOptions.domain ?? new URL(url).host, {
      status: portalOptions.status ?? "L",
      languageId: portalOptions.languageId ?? "ru",
      scope: portalOptions.scope ?? ["imopenlines", "imconnector", "im"],
      lines: portalOptions.lines ?? [1],
    });
    state.portals.set(memberId, portal);
    const driver = portalDriver(state, portal, () => url);
    drivers.set(memberId, driver);
    return driver;
  };
  const first = addPortal(options.portal);

  return {
    url,
    restUrl: `${url}/rest/`,
    clientId: state.clientId,
    clientSecret,
    state,
    portal: first,
    addPortal,
    portalOf(memberId) {
      const driver = drivers.get(memberId);
      if (!driver) throw new Error(`No fake portal with member_id ${memberId}`);
      return driver;
    },
    calls: (method) =>
      method === undefined
        ? [...state.calls]
        : state.calls.filter((c) => c.method === method.toLowerCase().replace(/\.json$/, "")),
    tokenRequests,
    events: state.events,
    failNext: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    setOAuthFault(fault) {
      state.faults.oauth = fault;
    },
    setPortalOutage(outage) {
      state.faults.portal = outage;
    },
    expireAccessTokens: (memberId) => state.tokens.expireAccess(memberId),
    setDropEvents(drop) {
      state.dropEvents = drop;
    },
    setOperatingCost: (method, seconds) => state.operating.setCost(method, seconds),
    stopListening: () => listener.stop(),
    async resumeListening() {
      if (closed) throw new Error("The fake Bitrix24 is closed");
      await listener.listen();
    },
    async close() {
      closed = true;
      await listener.stop();
    },
  };
}
