/** `--set key=value` overrides for config files: dotted keys, values parsed as JSON when they parse. */
import { readFileSync } from "node:fs";
import { UserError } from "../errors";

/** A JSON config file with `--set key=value` overrides applied; one-line errors for missing or bad JSON. */
export function readConfigFile(file: string, sets: string[] = []): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new UserError(`${file}: ${missing ? "no such file" : `not valid JSON (${(e as Error).message.split("\n")[0]})`}`, 2);
  }
  return applySets(raw, sets);
}

export function applySets(raw: unknown, sets: string[]): unknown {
  if (sets.length === 0) return raw;
  // structuredClone, not a JSON round trip: that would turn a config's 1e999 (Infinity) into null and hide it.
  const out = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UserError(`--set '${s}': expected key=value`, 2);
    const path = s.slice(0, eq).split("."), text = s.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let obj = out;
    for (const k of path.slice(0, -1)) {
      if (typeof obj[k] !== "object" || obj[k] === null) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[path[path.length - 1]] = value;
  }
  return out;
}
