/**
 * Plotly figures as plain JSON: what the builders return, what `show()` renders in a notebook and what
 * `writeReport()` embeds. Kept as loose records on purpose: plotly's own types are not a dependency,
 * and a figure must survive JSON.stringify unchanged.
 */
export interface Trace {
  type: string;
  name?: string;
  [key: string]: unknown;
}

export type Layout = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** True for anything shaped like a figure (used to tell figures from other report sections). */
export function isFigure(x: unknown): x is Figure {
  return (
    typeof x === "object" &&
    x !== null &&
    Array.isArray((x as Figure).data) &&
    typeof (x as Figure).layout === "object" &&
    (x as Figure).layout !== null
  );
}
