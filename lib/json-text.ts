/**
 * JSON.parse with errors a person can act on: the line and column of the fault. The engine's messages
 * differ between Node versions and some carry no position at all, so after a failed parse a small
 * syntax scanner finds where the text stops being JSON and says why, in the same words everywhere.
 */
import { errorLine } from "./errors";

export type ParsedJson = { value: unknown } | { problem: string; line: number };

class SyntaxFault {
  constructor(
    readonly at: number,
    readonly what: string,
  ) {}
}

function describe(text: string, at: number): string {
  if (at >= text.length) return "unexpected end of input";
  const c = text[at];
  return `unexpected ${c === "\n" ? "line break" : c === "'" ? `"'"` : `'${c}'`}`;
}

/** Offset and reason of the first syntax error in `text`, or undefined if it is valid JSON. */
export function findJsonError(text: string): { at: number; what: string } | undefined {
  let i = 0;
  const fail = (what?: string): never => {
    throw new SyntaxFault(i, what ?? describe(text, i));
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i] >= "0" && text[i] <= "9") i++;
    if (i === start) fail();
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail("control character (raw line break or tab) inside a string");
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === "u") {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? "")) (i += k), fail("bad \\u escape");
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail("bad escape in string");
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`${describe(text, i)}: expected a double-quoted property name`);
        string();
        ws();
        if (text[i] !== ":") fail(`${describe(text, i)}: expected ':'`);
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail(`${describe(text, i)}: expected ',' or '}'`);
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail(`${describe(text, i)}: expected ',' or ']'`);
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c >= "0" && c <= "9")) {
      if (text[i] === "-") i++;
      if (text[i] === "0") i++;
      else digits();
      if (text[i] === ".") i++, digits();
      if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        digits();
      }
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`${describe(text, i)} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxFault) return { at: err.at, what: err.what };
    if (err instanceof RangeError) return undefined; // nested too deeply for the scanner
    throw err;
  }
}

/** How many object keys `value` holds, at every depth. */
function countKeys(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) for (const v of value) n += countKeys(v);
  else for (const k of Object.keys(value)) n += 1 + countKeys((value as Record<string, unknown>)[k]);
  return n;
}

/**
 * Offset and name of the first key that repeats within one object of `text` (valid JSON), or undefined.
 * JSON.parse keeps the last value silently; Python's json does the same, so a record with two
 * "instruction" keys would train on one of them without a word.
 */
export function findDuplicateKey(text: string): { at: number; key: string } | undefined {
  const stack: (Set<string> | null)[] = []; // a key set per open object, null per open array
  let expectKey = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(start, i)) as string;
        if (top.has(key)) return { at: start, key };
        top.add(key);
      }
      expectKey = false;
      continue;
    }
    if (c === 0x7b) stack.push(new Set()), (expectKey = true);
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c) expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    i++;
  }
  return undefined;
}

/** Line (from `firstLine`) and column of offset `at` in `text`. */
function position(text: string, at: number, firstLine: number): { line: number; column: number } {
  let line = firstLine;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * Parses `text`, which starts at line `firstLine` of its file. On failure gives the line of the fault and
 * a one-line reason with its column. A key repeated within one object is a failure too.
 */
export function parseJson(text: string, firstLine = 1): ParsedJson {
  try {
    const value = JSON.parse(text);
    // Cheap test first: every key is a '"' followed by ':'; when there are no more of those than keys
    // parsed, no key was repeated. Only otherwise (a repeat, or '\":' inside a string) is the text scanned.
    if (typeof value === "object" && value !== null) {
      const colons = text.match(/"\s*:/g)?.length ?? 0;
      if (colons > countKeys(value)) {
        const dup = findDuplicateKey(text);
        if (dup) {
          const { line, column } = position(text, dup.at, firstLine);
          return { problem: `duplicate key '${dup.key}' (column ${column}): a record may give each field once`, line };
        }
      }
    }
    return { value };
  } catch (err) {
    const fault = findJsonError(text);
    if (!fault) return { problem: `not valid JSON: ${errorLine(err)}`, line: firstLine };
    let line = firstLine;
    let lineStart = 0;
    for (let i = 0; i < fault.at && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { problem: `not valid JSON: ${fault.what} (column ${fault.at - lineStart + 1})`, line };
  }
}
