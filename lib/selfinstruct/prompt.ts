/**
 * The request prompt of Alpaca's self-instruct recipe: a short brief asking for a numbered list of diverse
 * tasks, then a few example tasks (three seeds in Alpaca) numbered 1..k in the list's own layout, then the
 * opening of task k+1 for the model to continue. Asking for a whole list per request (20 in Alpaca) instead
 * of one task is what made Alpaca's generation cheap. The brief is our own wording of the recipe's rules.
 */
import type { TaskTriple } from "./types";

/** What the list shows in place of an empty input (Alpaca's marker). */
export const NO_INPUT = "<noinput>";

/** The line between two tasks of the list. */
export const TASK_SEPARATOR = "###";

export function promptBrief(tasksPerRequest: number): string {
  return [
    `Below is a numbered list of ${tasksPerRequest} tasks for a helpful assistant that reads and writes text.`,
    "Each task has an instruction, an input (or " + NO_INPUT + " when it needs none) and a good output.",
    "Rules for the list:",
    "1. Make the tasks different from each other: vary the verb, the topic and the kind of task (questions, rewriting, classification, arithmetic, translation, extraction, comparison, short writing, advice).",
    "2. Word the instructions differently; some are questions, some are commands, one or two sentences each.",
    "3. The assistant only handles text: nothing that needs seeing, hearing, drawing, browsing or acting in the world.",
    "4. Write everything in English.",
    "5. Give an input only when the task needs one (a passage, a sentence, a list, some numbers), and make it concrete.",
    "6. The output completes the instruction for that input, correctly and in under 100 words.",
  ].join("\n");
}

/** One task in the list's layout, numbered `n`. */
export function renderTask(task: TaskTriple, n: number): string {
  const input = task.input.trim() === "" ? NO_INPUT : task.input.trim();
  return `${TASK_SEPARATOR}\n${n}. Instruction: ${task.instruction.trim()}\n${n}. Input:\n${input}\n${n}. Output:\n${task.output.trim()}\n`;
}

/** Several tasks numbered from `first`. */
export function renderTasks(tasks: readonly TaskTriple[], first = 1): string {
  return tasks.map((t, i) => renderTask(t, first + i)).join("");
}

export interface BuiltPrompt {
  prompt: string;
  /** Number of the first task the model is to write (the examples take 1..next-1). */
  next: number;
  /** Stop string that ends the list after task `tasksPerRequest`. */
  stop: string;
}

/** Brief + examples + the opening of the next task. */
export function buildPrompt(examples: readonly TaskTriple[], tasksPerRequest: number): BuiltPrompt {
  const next = examples.length + 1;
  const prompt = `${promptBrief(tasksPerRequest)}\n\nList of ${tasksPerRequest} tasks:\n${renderTasks(examples)}${TASK_SEPARATOR}\n${next}. Instruction:`;
  return { prompt, next, stop: `\n${tasksPerRequest + 1}.` };
}
