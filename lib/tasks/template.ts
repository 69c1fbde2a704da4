/**
 * Filling templates: {placeholders} take an example's inputs, vars and answer; the with-options variant
 * appends the answer options the FLAN way ("OPTIONS:\n- yes\n- no").
 */
import type { TaskExample, Template } from "./types";

/** Every {name} in a pattern, in order of first use. */
export function placeholders(pattern: string): string[] {
  const out: string[] = [];
  for (const m of pattern.matchAll(/\{([A-Za-z_0-9]+)\}/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** Values a template may use for an example. */
export function templateValues(example: TaskExample): Record<string, string> {
  return { ...example.vars, ...example.inputs, answer: example.answer };
}

/** Replaces each {name}; a name with no value is a bug in the task module, so it throws. */
export function fill(pattern: string, values: Record<string, string>, what = "template"): string {
  return pattern.replace(/\{([A-Za-z_0-9]+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`${what}: no value for {${name}}`);
    return v;
  });
}

export function optionsBlock(options: readonly string[]): string {
  return `OPTIONS:\n${options.map((o) => `- ${o}`).join("\n")}`;
}

/** Prompt and target of one example under one template (no few-shot context). */
export function applyTemplate(example: TaskExample, template: Template, withOptions: boolean): { prompt: string; target: string } {
  const values = templateValues(example);
  let prompt = fill(template.prompt, values, template.id);
  if (withOptions && example.options && !template.inverted) prompt += `\n\n${optionsBlock(example.options)}`;
  return { prompt, target: fill(template.target, values, template.id) };
}
