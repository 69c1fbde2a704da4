/**
 * Number words (British style: "one hundred and five"). The corpus spells numbers with these functions and
 * the task library checks answers with them, so both sides always agree.
 */

const ONES = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const ORDINAL_ONES: Record<string, string> = {
  one: "first", two: "second", three: "third", five: "fifth", eight: "eighth", nine: "ninth", twelve: "twelfth",
};

/** Largest number `numberToWords` spells. */
export const MAX_NUMBER_WORDS = 999_999;

function below100(n: number): string {
  if (n < 20) return ONES[n];
  const t = TENS[Math.floor(n / 10)];
  return n % 10 === 0 ? t : `${t}-${ONES[n % 10]}`;
}

function below1000(n: number): string {
  if (n < 100) return below100(n);
  const h = `${ONES[Math.floor(n / 100)]} hundred`;
  return n % 100 === 0 ? h : `${h} and ${below100(n % 100)}`;
}

/** 0..999999 in words: 7 -> "seven", 42 -> "forty-two", 115 -> "one hundred and fifteen", -3 -> "minus three". */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_NUMBER_WORDS) {
    throw new RangeError(`numberToWords: need an integer within ±${MAX_NUMBER_WORDS}, got ${n}`);
  }
  if (n < 0) return `minus ${numberToWords(-n)}`;
  if (n < 1000) return below1000(n);
  const th = `${below1000(Math.floor(n / 1000))} thousand`;
  const rest = n % 1000;
  if (rest === 0) return th;
  // "two thousand and five", but "two thousand, three hundred" reads oddly without the comma: keep it simple.
  return rest < 100 ? `${th} and ${below100(rest)}` : `${th} ${below1000(rest)}`;
}

/** Inverse of `numberToWords` (case-insensitive); undefined when the text is not a number we spell. */
export function wordsToNumber(text: string): number | undefined {
  const key = text.trim().toLowerCase().replace(/\s+/g, " ");
  return wordsIndex().get(key);
}

let index: Map<string, number> | undefined;
function wordsIndex(): Map<string, number> {
  // Built lazily for 0..9999 (covers every number the corpus spells) plus exact round thousands.
  if (!index) {
    index = new Map();
    for (let n = -100; n <= 9999; n++) index.set(numberToWords(n), n);
  }
  return index;
}

/** 1 -> "first", 22 -> "twenty-second", 100 -> "one hundredth". */
export function ordinalWords(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ordinalWords: need a positive integer, got ${n}`);
  const words = numberToWords(n);
  const m = /^(.*?)([a-z]+)$/.exec(words)!;
  const [, head, last] = m;
  let ord: string;
  if (ORDINAL_ONES[last]) ord = ORDINAL_ONES[last];
  else if (last.endsWith("y")) ord = last.slice(0, -1) + "ieth";
  else ord = last + "th";
  return head + ord;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinalSuffix(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}
