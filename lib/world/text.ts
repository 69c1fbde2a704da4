/** Small English helpers shared by the world's prose generators (articles, lists, capitals). */

/** "Velmora" from "velmora"; leaves the rest of the word alone. */
export function capitalize(word: string): string {
  return word.length === 0 ? word : word[0].toUpperCase() + word.slice(1);
}

/** "a" or "an" for the word that follows (by its first letter; good enough for our closed vocabulary). */
export function article(word: string): "a" | "an" {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** "an apple", "a lamp". */
export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}

/** "x", "x and y", "x, y and z" (no serial comma: the whole corpus uses one list style). */
export function joinList(items: readonly string[], conjunction = "and"): string {
  if (items.length === 0) return "";
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** Regular English plural for invented or regular nouns: fox -> foxes, berry -> berries, lamp -> lamps. */
export function regularPlural(noun: string): string {
  if (/(s|x|z|ch|sh)$/.test(noun)) return noun + "es";
  if (/[^aeiou]y$/.test(noun)) return noun.slice(0, -1) + "ies";
  return noun + "s";
}

/** Joins sentences into a paragraph, dropping empty ones. */
export function paragraph(sentences: readonly string[]): string {
  return sentences.filter((s) => s.length > 0).join(" ");
}
