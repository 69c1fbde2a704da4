/**
 * Verifiers: how to decide whether a model's output answers an example. Each is a plain JSON object (a
 * "descriptor") so it can be stored in a record's metadata and checked later from the record alone, with no
 * world or task code at hand. `checkOutput(spec, output)` is the one function that interprets them.
 */
import { wordsToNumber } from "../world/numbers";
import { UserError } from "../errors";

export type ListOrder = "alpha" | "asc" | "desc";

export type VerifierSpec =
  /** Equal to one of `accept`, ignoring surrounding whitespace, quotes and final . ! ? — case matters. */
  | { kind: "exact"; accept: string[] }
  /** Like exact, and also ignoring case and runs of whitespace. */
  | { kind: "normalized"; accept: string[] }
  /** A classification label: normalized match against the accepted label(s). */
  | { kind: "one-of"; accept: string[] }
  /** A number written in digits or words ("12", "twelve"): equal to `value`, or within [min, max]. */
  | { kind: "number"; value?: number; min?: number; max?: number }
  /** A one-operation sum such as "3 + 4" or "three plus four" whose value is `value` (optionally with given operations only). */
  | { kind: "expression"; value: number; ops?: ArithmeticWord[] }
  /**
   * A comma-separated list. `items`: must be exactly these items in some order (case-insensitive);
   * `order`: sorted that way (ties in any order); the other fields constrain length, members and ends.
   */
  | {
      kind: "list";
      items?: string[];
      order?: ListOrder;
      count?: number;
      from?: string[];
      contains?: string[];
      first?: string;
      last?: string;
      /** Numeric lists: the largest item must equal this. */
      max?: number;
      /** Normalized output must differ from each of these. */
      unlike?: string[];
    }
  /**
   * A translation. Into English: equal to an accepted sentence once articles and case are ignored. Into the
   * invented language: equal to an accepted one word for word, or every word maps back through `glossary`
   * (invented word -> English) to the same English words as the reference.
   */
  | { kind: "translation"; into: "english" | "foreign"; accept: string[]; glossary?: Record<string, string> }
  /** Free text that mentions every `all` term, at least one `any` term, no `forbid` term (whole words, any case). */
  | { kind: "mentions"; all?: string[]; any?: string[]; forbid?: string[]; unlike?: string[]; maxWords?: number }
  /** The trimmed output (final . ! ? removed) matches a regular expression. */
  | { kind: "pattern"; regex: string; flags?: string }
  | { kind: "all"; of: VerifierSpec[] }
  | { kind: "any"; of: VerifierSpec[] };

export type ArithmeticWord = "plus" | "minus" | "times";
export type VerifierKind = VerifierSpec["kind"];
export const VERIFIER_KINDS: readonly VerifierKind[] = [
  "exact", "normalized", "one-of", "number", "expression", "list", "translation", "mentions", "pattern", "all", "any",
];

// ---- Normalization

const QUOTES = `"'\`“”‘’«»`;
const EDGE_QUOTES = new RegExp(`^[${QUOTES}]+|[${QUOTES}]+$`, "g");

/** Trims whitespace, surrounding quotes and final sentence punctuation; keeps case. */
export function trimAnswer(text: string): string {
  let t = text.trim().replace(/\s+/g, " ");
  // Twice, so both "'lamp'." and "lamp.'" come out as lamp.
  for (let i = 0; i < 2; i++) t = t.replace(/[.!?]+$/, "").trim().replace(EDGE_QUOTES, "").trim();
  return t;
}

/** trimAnswer, lower-cased: the comparison behind "normalized" and "one-of". */
export function normalizeAnswer(text: string): string {
  return trimAnswer(text).toLowerCase();
}

/** An integer written in digits ("1,200", "-3") or in words ("forty-two", "forty two"); undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  const t = normalizeAnswer(text);
  if (/^-?\d{1,3}(,\d{3})+$/.test(t) || /^-?\d+$/.test(t)) return Number(t.replace(/,/g, ""));
  const direct = wordsToNumber(t);
  if (direct !== undefined) return direct;
  // "forty two" -> "forty-two"; "one hundred five" is not how the world spells numbers, so no further guessing.
  return wordsToNumber(t.replace(/\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety) (one|two|three|four|five|six|seven|eight|nine)\b/g, "$1-$2"));
}

const OP_WORDS: Record<string, ArithmeticWord> = { "+": "plus", plus: "plus", "-": "minus", minus: "minus", "*": "times", "×": "times", x: "times", times: "times" };

/** "3 + 4", "What is three plus four?", "6 x 7 = 42": [a, op, b] or undefined. */
export function parseExpression(text: string): { a: number; op: ArithmeticWord; b: number; stated?: number } | undefined {
  let t = text.trim().toLowerCase().replace(/\s+/g, " ").replace(/[?.!]+$/, "").trim();
  t = t.replace(/^(what is|what's|how much is|compute|calculate|work out)\s+/, "").replace(/multiplied by/g, "times");
  let stated: number | undefined;
  const eq = /^(.*?)\s*(?:=|\bequals\b|\bis\b|\bmakes\b|\bgives\b)\s*([^=]+)$/.exec(t);
  if (eq) {
    const n = parseNumber(eq[2]);
    if (n === undefined) return undefined;
    stated = n;
    t = eq[1];
  }
  const m = /^(.+?)\s+(\+|-|\*|×|x|plus|minus|times)\s+(.+)$/.exec(t) ?? /^(-?\d+)\s*(\+|-|\*|×)\s*(-?\d+)$/.exec(t);
  if (!m) return undefined;
  const a = parseNumber(m[1]);
  const b = parseNumber(m[3]);
  if (a === undefined || b === undefined) return undefined;
  return { a, op: OP_WORDS[m[2]], b, stated };
}

/** Items of a list written with commas, newlines or bullets, and an optional final "and". */
export function parseList(text: string): string[] {
  let t = text.trim().replace(/[.!?]+$/, "");
  const lines = t.split(/\n+/).map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, "").trim()).filter(Boolean);
  t = lines.join(", ");
  return t
    .split(/\s*,\s*|\s+and\s+/)
    .map((x) => x.trim().replace(EDGE_QUOTES, "").replace(/^and\s+/, "").trim())
    .filter(Boolean);
}

/** Lower-cased words of a text; hyphens join words ("forty-six" is one word), anything else separates them. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9-]+/).filter(Boolean);
}

function containsWords(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Whole-word, case-insensitive occurrence of a term ("forty" is not in "forty-six", "Mira" is in "Mira's"). */
export function mentionsTerm(text: string, term: string): boolean {
  return containsWords(words(text), words(term));
}

const ARTICLES = new Set(["the", "a", "an"]);

// ---- Checking

/** True when `output` satisfies the verifier. */
export function checkOutput(spec: VerifierSpec, output: string): boolean {
  switch (spec.kind) {
    case "exact": {
      const o = trimAnswer(output);
      return spec.accept.some((a) => trimAnswer(a) === o);
    }
    case "normalized":
    case "one-of": {
      const o = normalizeAnswer(output);
      return spec.accept.some((a) => normalizeAnswer(a) === o);
    }
    case "number": {
      const n = parseNumber(output);
      if (n === undefined) return false;
      if (spec.value !== undefined && n !== spec.value) return false;
      if (spec.min !== undefined && n < spec.min) return false;
      if (spec.max !== undefined && n > spec.max) return false;
      return true;
    }
    case "expression": {
      const e = parseExpression(output);
      if (!e) return false;
      if (spec.ops && !spec.ops.includes(e.op)) return false;
      const v = e.op === "plus" ? e.a + e.b : e.op === "minus" ? e.a - e.b : e.a * e.b;
      return v === spec.value && (e.stated === undefined || e.stated === spec.value);
    }
    case "list":
      return checkList(spec, output);
    case "translation":
      return checkTranslation(spec, output);
    case "mentions": {
      const text = output.trim();
      if (text === "") return false;
      const ws = words(text);
      const has = (t: string) => containsWords(ws, words(t));
      if (spec.all && !spec.all.every(has)) return false;
      if (spec.any && spec.any.length > 0 && !spec.any.some(has)) return false;
      if (spec.forbid && spec.forbid.some(has)) return false;
      if (spec.unlike && spec.unlike.some((u) => normalizeAnswer(u) === normalizeAnswer(text))) return false;
      if (spec.maxWords !== undefined && text.split(/\s+/).length > spec.maxWords) return false;
      return true;
    }
    case "pattern":
      return new RegExp(spec.regex, spec.flags).test(trimAnswer(output));
    case "all":
      return spec.of.every((s) => checkOutput(s, output));
    case "any":
      return spec.of.some((s) => checkOutput(s, output));
  }
}

function checkList(spec: Extract<VerifierSpec, { kind: "list" }>, output: string): boolean {
  const items = parseList(output);
  if (items.length === 0) return false;
  if (spec.unlike && spec.unlike.some((u) => normalizeAnswer(u) === normalizeAnswer(output))) return false;
  if (spec.count !== undefined && items.length !== spec.count) return false;
  // Numeric lists compare values ("nine" = "9"); word lists compare case-insensitively.
  const numeric = spec.order === "asc" || spec.order === "desc" || spec.max !== undefined;
  const key = (x: string): string => (numeric ? String(parseNumber(x)) : x.toLowerCase());
  const got = items.map(key);
  if (numeric && got.includes("undefined")) return false;
  if (spec.items) {
    const want = spec.items.map(key).sort();
    const have = got.slice().sort();
    if (want.length !== have.length || want.some((x, i) => x !== have[i])) return false;
  }
  if (spec.from) {
    const pool = new Set(spec.from.map(key));
    if (!got.every((x) => pool.has(x))) return false;
  }
  if (spec.contains && !spec.contains.every((c) => got.includes(key(c)))) return false;
  if (spec.first !== undefined && got[0] !== key(spec.first)) return false;
  if (spec.last !== undefined && got[got.length - 1] !== key(spec.last)) return false;
  const nums = numeric ? got.map(Number) : [];
  if (spec.max !== undefined && Math.max(...nums) !== spec.max) return false;
  for (let i = 1; i < got.length; i++) {
    if (spec.order === "alpha" && got[i - 1] > got[i]) return false;
    if (spec.order === "asc" && nums[i - 1] > nums[i]) return false;
    if (spec.order === "desc" && nums[i - 1] < nums[i]) return false;
  }
  return true;
}

function tokens(text: string): string[] {
  return normalizeAnswer(text).replace(/[,;:]/g, " ").split(/\s+/).filter(Boolean);
}

function checkTranslation(spec: Extract<VerifierSpec, { kind: "translation" }>, output: string): boolean {
  const out = tokens(output);
  if (out.length === 0) return false;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (spec.into === "english") {
    const strip = (xs: string[]) => xs.filter((x) => !ARTICLES.has(x));
    return spec.accept.some((a) => same(strip(tokens(a)), strip(out)));
  }
  if (spec.accept.some((a) => same(tokens(a), out))) return true;
  const g = spec.glossary;
  if (!g) return false;
  const gloss = (xs: string[]) => xs.map((x) => g[x]);
  const mapped = gloss(out);
  if (mapped.some((x) => x === undefined)) return false;
  return spec.accept.some((a) => same(gloss(tokens(a)) as string[], mapped as string[]));
}

// ---- Shape checks for descriptors read back from disk

/** Problems with a descriptor read from JSON ([] when it can be checked). */
export function verifierProblems(spec: unknown, path = "verifier"): string[] {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return [`${path} must be an object`];
  const s = spec as Record<string, unknown>;
  const kind = s.kind;
  if (typeof kind !== "string" || !VERIFIER_KINDS.includes(kind as VerifierKind)) {
    return [`${path}.kind must be one of ${VERIFIER_KINDS.join(", ")}, got ${JSON.stringify(kind)}`];
  }
  const strings = (key: string, required: boolean): string[] => {
    const v = s[key];
    if (v === undefined) return required ? [`${path}.${key} is missing`] : [];
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? [] : [`${path}.${key} must be a list of strings`];
  };
  const num = (key: string): string[] => (s[key] === undefined || typeof s[key] === "number" ? [] : [`${path}.${key} must be a number`]);
  switch (kind as VerifierKind) {
    case "exact":
    case "normalized":
    case "one-of":
      return strings("accept", true);
    case "number":
      return [...num("value"), ...num("min"), ...num("max")];
    case "expression":
      return typeof s.value === "number" ? strings("ops", false) : [`${path}.value must be a number`];
    case "list":
      return [...strings("items", false), ...strings("from", false), ...strings("contains", false), ...strings("unlike", false), ...num("count"), ...num("max")];
    case "translation":
      return [...strings("accept", true), ...(s.into === "english" || s.into === "foreign" ? [] : [`${path}.into must be "english" or "foreign"`])];
    case "mentions":
      return [...strings("all", false), ...strings("any", false), ...strings("forbid", false), ...strings("unlike", false), ...num("maxWords")];
    case "pattern":
      return typeof s.regex === "string" ? [] : [`${path}.regex must be a string`];
    case "all":
    case "any": {
      if (!Array.isArray(s.of)) return [`${path}.of must be a list of verifiers`];
      return (s.of as unknown[]).flatMap((x, i) => verifierProblems(x, `${path}.of[${i}]`));
    }
  }
}

/** The descriptor, checked; a UserError naming what is wrong otherwise. */
export function asVerifier(spec: unknown, where = "verifier"): VerifierSpec {
  const problems = verifierProblems(spec, where);
  if (problems.length > 0) throw new UserError(problems[0], 1);
  return spec as VerifierSpec;
}
