/** `--set key=value` overrides for config files: dotted keys, values parsed as JSON when they parse. */
import { UserError } from "../errors";

export function applySets(raw: unknown, sets: string[], file: string): unknown {
  if (sets.length === 0) return raw;
  const out = JSON.parse(JSON.stringify(raw ?? {})) as Record<string, unknown>;
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
  void file;
  return out;
}
