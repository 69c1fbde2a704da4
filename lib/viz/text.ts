/** Escaping for text that ends up in HTML or in plotly's hover templates. */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A name inside a hover template: `%{` would be read as a placeholder and `<` as markup. */
export function escapeHover(s: string): string {
  return escapeHtml(s).replace(/%\{/g, "%\u200b{");
}
