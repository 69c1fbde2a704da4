/**
 * A disk cache of LLM-judge verdicts, so a killed evaluation resumes without paying for the same
 * questions twice. One JSON object per line, keyed by (judge model, hash of the exact prompt); each line
 * is appended with a single write and fsynced, so a crash loses at most the line being written, and a
 * torn last line is skipped on reading.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, fstatSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { writeAll } from "../../fsutil";
import { isObject, readJsonl } from "../../json";

/** sha256 of a JSON-serialisable prompt (messages and the request settings that change the answer). */
export function promptHash(prompt: unknown): string {
  return createHash("sha256").update(JSON.stringify(prompt)).digest("hex");
}

export interface CacheEntry<V = unknown> {
  model: string;
  prompt_hash: string;
  value: V;
  /** ISO time of the judgment. */
  time: string;
}

export class JudgmentCache<V = unknown> {
  private readonly entries = new Map<string, CacheEntry<V>>();
  /** Lines that could not be read (a torn write, a hand edit); they are ignored. */
  readonly skippedLines: number;

  constructor(readonly file: string) {
    let skipped = 0;
    for (const { value } of readJsonl(file, { onBadLine: () => skipped++ })) {
      const e = value as CacheEntry<V>;
      if (isObject(e) && typeof e.model === "string" && typeof e.prompt_hash === "string" && "value" in e) {
        this.entries.set(key(e.model, e.prompt_hash), e);
      } else {
        skipped++;
      }
    }
    this.skippedLines = skipped;
  }

  get size(): number {
    return this.entries.size;
  }

  get(model: string, hash: string): V | undefined {
    return this.entries.get(key(model, hash))?.value;
  }

  /** Records a verdict in memory and appends it to the file. */
  put(model: string, hash: string, value: V): void {
    const entry: CacheEntry<V> = { model, prompt_hash: hash, value, time: new Date().toISOString() };
    this.entries.set(key(model, hash), entry);
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, "a+");
    try {
      // A torn last line (killed mid-write) must not swallow this one: start on a fresh line.
      const lead = endsWithoutNewline(fd) ? "\n" : "";
      writeAll(fd, Buffer.from(lead + JSON.stringify(entry) + "\n", "utf8"));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function key(model: string, hash: string): string {
  return `${model}\u0000${hash}`;
}

function endsWithoutNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] !== 0x0a;
}
