/**
 * JSON.parse with errors a person can act on: the line and column of the fault. The engine's messages
 * differ between Node versions and some carry no position at all, so after a failed parse a small
 * syntax scanner finds where the text stops being JSON and says why, in the same words everywhere.
 */

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

/**
 * Parses `text`, which starts at line `firstLine` of its file. On failure gives the line of the fault and
 * a one-line reason with its column.
 */
export function parseJson(text: string, firstLine = 1): ParsedJson {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const fault = findJsonError(text);
    if (!fault) return { problem: `not valid JSON: ${(err as Error).message.split("\n")[0]}`, line: firstLine };
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
