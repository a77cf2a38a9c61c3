/**
 * @module gateway/gateway-process — a gateway in its own process, so its memory can be read and it
 * can be killed with SIGKILL: spawn, wait for `/readyz`, read RSS from /proc, stop or kill.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { inheritedEnv } from "../env.js";

/** USER_HZ on Linux (the kernel reports thread CPU times in these ticks). */
const CLOCK_TICKS = 100;

/** Entry of the gateway child, always from dist/ (also when this module runs from source under vitest). */
export const CHILD_MAIN = fileURLToPath(new URL("../../dist/gateway/child-main.js", import.meta.url));

/** What to start. */
export interface GatewayProcessOptions {
  /** Script to run (default: the bench's child main). */
  script?: string;
  port: number;
  /** Environment on top of the parent's. */
  env: Record<string, string>;
  /** Arguments after the script. */
  args?: string[];
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Each line the child writes (stdout and stderr); besides, the last 8 000 characters are kept for a failed start. */
  log?: (line: string) => void;
}

/** What the parent asks a bench child over IPC, and what it answers. */
export type MemoryQuestion = { type: "memory" };
export type MemoryAnswer = { type: "memory"; usage: NodeJS.MemoryUsage };

function isMemoryAnswer(message: unknown): message is MemoryAnswer {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "memory";
}

/** A running gateway process. */
export class GatewayProcess {
  private output = "";
  private exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly startedAt: number,
    log?: (line: string) => void,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-8000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    if (log) {
      const lines = (stream: NodeJS.ReadableStream | null) => {
        let rest = "";
        stream?.on("data", (chunk: Buffer) => {
          const text = rest + chunk.toString("utf8");
          const cut = text.lastIndexOf("\n");
          if (cut < 0) return void (rest = text);
          rest = text.slice(cut + 1);
          for (const line of text.slice(0, cut).split("\n")) if (line) log(line);
        });
      };
      lines(child.stdout);
      lines(child.stderr);
    }
  }

  /** Spawns the process; `ready()` waits for it to answer. */
  static spawn(options: GatewayProcessOptions): GatewayProcess {
    const url = `http://127.0.0.1:${options.port}/`;
    const startedAt = performance.now();
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), options.script ?? CHILD_MAIN, ...(options.args ?? [])],
      {
        env: inheritedEnv({
          LV_PLUGIN_SELF_URI: url,
          PORT: String(options.port),
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          ...options.env,
        }),
        // The IPC channel answers `memoryUsage()` (see child-main); other entries ignore it.
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    );
    return new GatewayProcess(child, url, startedAt, options.log);
  }

  /** Polls `/readyz` until it answers 200; returns milliseconds since spawn. */
  async ready(timeoutMs = 15_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`gateway exited with ${this.child.exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}readyz`, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - this.startedAt;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`gateway not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /**
   * The child's `process.memoryUsage()`, asked over its IPC channel (the bench's child-main
   * answers; undefined when it does not within 2 s, or the child is gone).
   */
  memoryUsage(): Promise<NodeJS.MemoryUsage | undefined> {
    const child = this.child;
    if (!child.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const done = (usage: NodeJS.MemoryUsage | undefined) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        resolve(usage);
      };
      const onMessage = (message: unknown) => {
        if (isMemoryAnswer(message)) done(message.usage);
      };
      const timer = setTimeout(() => done(undefined), 2000);
      child.on("message", onMessage);
      child.send({ type: "memory" } satisfies MemoryQuestion, (error) => error && done(undefined));
    });
  }

  /** Current and peak resident memory in MB (Linux /proc). */
  memory(): { rssMb: number; peakMb: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  }

  /**
   * CPU seconds used so far: `main` is the JS thread, `other` the rest (libuv threadpool where
   * WebCrypto and file work run, V8's GC and compiler threads; Node 20 names them all "node").
   */
  cpuByThread(): Record<string, number> {
    const out: Record<string, number> = {};
    const tasks = `/proc/${this.child.pid}/task`;
    for (const tid of readdirSync(tasks)) {
      try {
        const stat = readFileSync(`${tasks}/${tid}/stat`, "utf8");
        const name = tid === String(this.child.pid) ? "main" : "other";
        // Fields after the parenthesised name: utime and stime are the 12th and 13th.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
        out[name] = (out[name] ?? 0) + seconds;
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return out;
  }

  /** Resets the peak RSS counter, so a later `memory().peakMb` covers only what follows. */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.child.pid}/clear_refs`, "5");
    } catch {
      // Older kernels: the peak then covers the whole life of the process.
    }
  }

  /** The last lines the process printed. */
  get recentOutput(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown hook runs. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM and wait for exit (graceful stop). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
