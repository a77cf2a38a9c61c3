/**
 * @module net/byte-budget — a process-wide allowance of bytes in flight: downloads wait for room
 * instead of growing the heap when many large attachments arrive at once.
 */

/** Counts bytes held by downloads; `take` waits while the budget is spent. */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Bytes currently held. */
  get inUse(): number {
    return this.used;
  }

  /**
   * Waits until `bytes` fit, then holds them. A request larger than the whole budget goes through
   * once nothing else is held, so one oversized file is slow rather than impossible. First come,
   * first served, so a large download is not overtaken forever by small ones.
   */
  take(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  /** Gives back bytes taken earlier and lets waiting downloads go on. */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.go();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }
}
