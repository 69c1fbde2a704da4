/**
 * The string, list and arithmetic skills the corpus demonstrates in worked examples. The task library
 * computes its reference answers with the same functions, so the two can never disagree.
 */

/** Characters in reverse order: "lamp" -> "pmal". */
export function reverseText(text: string): string {
  return Array.from(text).reverse().join("");
}

/** Words in reverse order: "red big dog" -> "dog big red". */
export function reverseWords(text: string): string {
  return text.split(/\s+/).filter(Boolean).reverse().join(" ");
}

export function toUpper(text: string): string {
  return text.toUpperCase();
}

export function toLower(text: string): string {
  return text.toLowerCase();
}

export function firstLetter(word: string): string {
  return Array.from(word)[0] ?? "";
}

export function lastLetter(word: string): string {
  const chars = Array.from(word);
  return chars[chars.length - 1] ?? "";
}

/** Letters only (a-z, any case), so "ice-cream" has 8. */
export function letterCount(word: string): number {
  return (word.match(/[a-z]/gi) ?? []).length;
}

/** How often `letter` occurs in `word`, ignoring case. */
export function countLetter(word: string, letter: string): number {
  const l = letter.toLowerCase();
  let n = 0;
  for (const ch of word.toLowerCase()) if (ch === l) n++;
  return n;
}

export function countVowels(word: string): number {
  return (word.match(/[aeiou]/gi) ?? []).length;
}

/** Letters separated by dashes: "lamp" -> "l-a-m-p". */
export function spellOut(word: string): string {
  return Array.from(word).join("-");
}

/** Alphabetical order, case-insensitive, stable; a copy. */
export function sortAlphabetical(words: readonly string[]): string[] {
  return words.slice().sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Ascending numeric order; a copy. */
export function sortNumbers(numbers: readonly number[]): number[] {
  return numbers.slice().sort((a, b) => a - b);
}

/** The longest word (the first one on ties). */
export function longestWord(words: readonly string[]): string {
  return words.reduce((best, w) => (w.length > best.length ? w : best), words[0] ?? "");
}

/** The shortest word (the first one on ties). */
export function shortestWord(words: readonly string[]): string {
  return words.reduce((best, w) => (w.length < best.length ? w : best), words[0] ?? "");
}

export function isEven(n: number): boolean {
  return n % 2 === 0;
}

export type ArithmeticOp = "plus" | "minus" | "times";

export function applyOp(a: number, op: ArithmeticOp, b: number): number {
  return op === "plus" ? a + b : op === "minus" ? a - b : a * b;
}
