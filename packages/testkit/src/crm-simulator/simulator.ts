/**
 * @module crm-simulator/simulator — a SalesRender-style CRM on loopback that drives and records a gateway.
 */
import type { CryptoKey } from "jose";
import { waitFor } from "../util/wait-for.js";
import { createCrmApp } from "./crm-app.js";
import { EventLog } from "./event-log.js";
import { FailureSwitch } from "./failure-switch.js";
import { GatewayClient } from "./gateway-client.js";
import { createCrmKeys } from "./keys.js";
import { Listener } from "./listener.js";
import { RegistrationBook } from "./registrations.js";
import { Sleeper } from "./sleeper.js";
import { TokenMinter, type MintOptions } from "./token-minter.js";
import type {
  CrmEvent,
  FailureMode,
  IncomingBody,
  PluginRef,
  RecordedRequest,
  RejectedRequest,
  SendBody,
  StatusBody,
  StatusValue,
} from "./types.js";

/** Where the simulator listens. */
export interface CrmSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/** Env vars a gateway needs to accept this simulator as its token issuer. */
export interface CrmSimulatorEnv {
  LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME: "http";
  LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME: string;
  [name: string]: string;
}

/** Starts a CRM simulator on a loopback port. Call `close()` when done. */
export async function startCrmSimulator(options: CrmSimulatorOptions = {}): Promise<CrmSimulator> {
  const simulator = new CrmSimulator(await createCrmKeys(), options.host ?? "127.0.0.1");
  await simulator.start(options.port ?? 0);
  return simulator;
}

/** The CRM side of the protocol: mints tokens, calls the gateway, records what the gateway sends back. */
export class CrmSimulator {
  /** Verified incoming customer messages, in arrival order. */
  readonly incoming: RecordedRequest<IncomingBody>[] = [];
  /** Verified message statuses, in arrival order. */
  readonly statuses: RecordedRequest<StatusBody>[] = [];
  /** Gateway requests the simulator refused (bad token, bad body, unknown route), with the reason. */
  readonly rejected: RejectedRequest[] = [];
  private readonly log = new EventLog();
  private readonly book = new RegistrationBook();
  private readonly failures = new FailureSwitch();
  private readonly minter: TokenMinter;
  private readonly client: GatewayClient;
  private readonly listener: Listener;
  private readonly sleeper = new Sleeper();
  private port = 0;
  private closed = false;

  /** Use {@link startCrmSimulator}. */
  constructor(
    private readonly keys: Awaited<ReturnType<typeof createCrmKeys>>,
    private readonly host: string,
  ) {
    this.minter = new TokenMinter(keys, () => this.url);
    this.client = new GatewayClient(this.minter, this.book, this.log);
    const app = createCrmApp({
      crmUrl: () => this.url,
      publicKeyPem: keys.publicKeyPem,
      pkeyId: keys.pkeyId,
      book: this.book,
      failures: this.failures,
      log: this.log,
      incoming: this.incoming,
      statuses: this.statuses,
      rejected: this.rejected,
      sleep: (ms) => this.sleeper.sleep(ms),
    });
    this.listener = new Listener(app, host);
  }

  /** @internal Listens; called by {@link startCrmSimulator}. */
  async start(port: number): Promise<void> {
    this.port = await this.listener.listen(port);
  }

  /** Issuer and cluster URI: `http://127.0.0.1:<port>/`. */
  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }

  /** Env vars for the gateway under test (issuer scheme and hostname). */
  get env(): CrmSimulatorEnv {
    return { LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME: "http", LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME: this.host };
  }

  /** SPKI PEM of the CRM's public key, as served at `GET /pkey/<pkeyId>`. */
  get publicKeyPem(): string {
    return this.keys.publicKeyPem;
  }

  /** md5 hex of the PEM: the `pkey` header of every CRM token. */
  get pkeyId(): string {
    return this.keys.pkeyId;
  }

  /** The CRM's RS512 private key (for tests that sign with jose themselves). */
  get privateKey(): CryptoKey {
    return this.keys.privateKey;
  }

  /** Every protocol call so far, both directions. */
  get events(): readonly CrmEvent[] {
    return this.log.events;
  }

  /** Calls `listener` on every later event; returns an unsubscribe function. */
  onEvent(listener: (event: CrmEvent) => void): () => void {
    return this.log.onEvent(listener);
  }

  /** Registers a tenant at a gateway (PUT /registration); `extraClaims` override claims of the token. */
  register(gatewayUrl: string, ref: PluginRef, extraClaims?: Record<string, unknown>): Promise<Response> {
    return this.client.register(gatewayUrl, ref, extraClaims);
  }

  /** The standard claims for a gateway and tenant, to tweak and pass to {@link mintToken}. */
  claimsFor(gatewayUrl: string, ref: PluginRef): Record<string, unknown> {
    return this.minter.claimsFor(gatewayUrl, ref);
  }

  /** Signs any claims (RS512 with the CRM key unless `alg`/`key` say otherwise), for forged tokens. */
  mintToken(options: MintOptions): string {
    return this.minter.mint(options);
  }

  /** An X-PLUGIN-TOKEN value (claim `settings` defaults to true). */
  pluginToken(gatewayUrl: string, ref: PluginRef, options: { settings?: boolean } = {}): string {
    this.book.addGateway(gatewayUrl);
    return this.minter.plugin(gatewayUrl, ref, options);
  }

  /** A special-request token whose `body` claim is `body`. */
  specialToken(gatewayUrl: string, ref: PluginRef, body: SendBody | Record<string, unknown>): string {
    this.book.addGateway(gatewayUrl);
    return this.minter.special(gatewayUrl, ref, body);
  }

  /** GET /info (with `Accept-Language: lang` when given). */
  getInfo(gatewayUrl: string, lang?: string): Promise<Response> {
    return this.client.getInfo(gatewayUrl, lang);
  }

  /** GET /protected/forms/settings. */
  getSettingsForm(gatewayUrl: string, ref: PluginRef): Promise<Response> {
    return this.client.getSettingsForm(gatewayUrl, ref);
  }

  /** GET /protected/data/settings. */
  getSettings(gatewayUrl: string, ref: PluginRef): Promise<Response> {
    return this.client.getSettings(gatewayUrl, ref);
  }

  /** PUT /protected/data/settings (`language`: the CRM user's, sent as Accept-Language). */
  putSettings(gatewayUrl: string, ref: PluginRef, data: unknown, language?: string): Promise<Response> {
    return this.client.putSettings(gatewayUrl, ref, data, language);
  }

  /**
   * Any other X-PLUGIN-TOKEN call, e.g. `request(gw, ref, "GET", "protected/autocomplete/x?query=a")`
   * (`language`: the CRM user's, sent as Accept-Language).
   */
  request(
    gatewayUrl: string,
    ref: PluginRef,
    method: string,
    path: string,
    body?: unknown,
    language?: string,
  ): Promise<Response> {
    return this.client.withPluginToken("protected", method, gatewayUrl, ref, path, body, { language });
  }

  /** POST /special/send: asks the gateway to deliver a message (202 expected). */
  send(gatewayUrl: string, ref: PluginRef, body: SendBody | Record<string, unknown>): Promise<Response> {
    return this.client.send(gatewayUrl, ref, body);
  }

  /** Statuses received so far for a CRM message id, in order (e.g. `["sent", "delivered"]`). */
  statusesOf(crmMessageId: string): StatusValue[] {
    return this.statuses.filter((s) => s.body.id === crmMessageId).map((s) => s.body.status);
  }

  /** Makes incoming/status calls fail: answer `status`, and/or answer only after `delayMs`. */
  fail(mode: FailureMode): void {
    if (mode.status !== undefined && (mode.status < 200 || mode.status > 599)) {
      throw new Error("fail({status}) must be an HTTP status between 200 and 599");
    }
    this.failures.set(mode);
  }

  /** Ends every failure: clears `fail()` and resumes listening if stopped (not after `close()`). */
  async recover(): Promise<void> {
    this.failures.clear();
    if (!this.closed) await this.resumeListening();
  }

  /** Calls a `fail({ delayMs })` holds right now. */
  get heldCalls(): number {
    return this.sleeper.pending;
  }

  /** Answers now the calls held by `fail({ delayMs })` (the failure itself stays until {@link recover}). */
  answerHeld(): void {
    this.sleeper.wakeAll();
  }

  /** Closes the port: the gateway's calls get "connection refused" until {@link resumeListening}. */
  async stopListening(): Promise<void> {
    this.sleeper.wakeAll();
    await this.listener.stop();
  }

  /** Listens again on the same port. */
  async resumeListening(): Promise<void> {
    if (this.closed) throw new Error("The CRM simulator is closed");
    await this.listener.listen(this.port);
  }

  /** Whether the CRM currently accepts connections. */
  get isListening(): boolean {
    return this.listener.isListening;
  }

  /** Polls `predicate` until truthy (default 5 s); the timeout error lists what the CRM rejected. */
  waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 15_000): ReturnType<typeof waitFor<T>> {
    return waitFor(predicate, { timeoutMs, message: () => this.describeForTimeout(predicate) });
  }

  /** Stops the server for good (safe to call twice). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopListening();
  }

  private describeForTimeout(predicate: () => unknown): string {
    const source = predicate.toString().replace(/\s+/g, " ").slice(0, 160);
    const lines = [
      `${source} (CRM got ${this.incoming.length} incoming, ${this.statuses.length} statuses)`,
      ...this.rejected.slice(-5).map((r) => `rejected ${r.method} ${r.path} → ${r.status}: ${r.reason}`),
    ];
    return lines.join("\n  ");
  }
}
