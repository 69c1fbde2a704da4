/**
 * One generation at a time, first come first served. The model is a single CPU-bound resource: running two
 * requests at once would only make both slower. A bounded waiting line turns overload into a quick 503
 * instead of an ever-growing delay.
 */
import { HttpError } from "./http-error";

interface Waiting {
  start: () => void;
  fail: (err: Error) => void;
}

export class GenerationQueue {
  private readonly waiting: Waiting[] = [];
  private running = false;
  private closed = false;

  constructor(readonly maxWaiting: number) {}

  get busy(): boolean {
    return this.running;
  }

  get length(): number {
    return this.waiting.length;
  }

  /**
   * Runs `job` when the model is free. Rejects with 503 when the line is full or the server is closing,
   * and drops the request from the line when `signal` aborts (its client went away) before its turn.
   */
  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.closed) throw new HttpError(503, "the server is shutting down", "server_error", null, "shutting_down");
    if (this.running) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new HttpError(503, `the server is busy (${this.waiting.length} requests waiting); retry later`, "server_error", null, "queue_full");
      }
      await new Promise<void>((resolve, reject) => {
        const entry: Waiting = { start: resolve, fail: reject };
        this.waiting.push(entry);
        signal?.addEventListener("abort", () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) {
            this.waiting.splice(i, 1);
            reject(new HttpError(499, "the client closed the request", "invalid_request_error", null, "client_closed"));
          }
        }, { once: true });
      });
    }
    this.running = true;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start(); // the slot passes straight to the next in line
      else this.running = false;
    }
  }

  /** Refuses new work and fails everything still waiting; the running job continues. */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.fail(new HttpError(503, "the server is shutting down", "server_error", null, "shutting_down"));
  }
}
