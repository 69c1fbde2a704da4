// The numbered list both ways: tasks rendered as a prompt's examples parse back to themselves, and the shapes
// a model's continuation takes (no separators, a restated header, cut off, broken) are read or reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt, NO_INPUT, renderTasks } from "../../lib/selfinstruct/prompt";
import { parseTasks } from "../../lib/selfinstruct/parse";
import type { TaskTriple } from "../../lib/selfinstruct/types";

const tasks: TaskTriple[] = [
  { instruction: "What is the capital city of the country given below?", input: "Kipaun", output: "The capital of Kipaun is Griasto." },
  { instruction: "Give three short tips for keeping a kitchen clean.", input: "", output: "1. Wipe the counters.\n2. Wash the dishes.\n3. Empty the bin." },
  { instruction: "Read the passage and answer the question.", input: "Passage: Rogor keeps a hen.\nQuestion: What does Rogor keep?", output: "A hen." },
];

test("the prompt: brief, the examples numbered 1..k, then the opening of task k+1", () => {
  const { prompt, next, stop } = buildPrompt(tasks, 20);
  assert.equal(next, 4);
  assert.equal(stop, "\n21.");
  assert.match(prompt, /^Below is a numbered list of 20 tasks/);
  assert.ok(prompt.endsWith("###\n4. Instruction:"));
  assert.ok(prompt.includes(`###\n2. Instruction: ${tasks[1].instruction}\n2. Input:\n${NO_INPUT}\n2. Output:\n1. Wipe the counters.`));
  assert.ok(prompt.includes("3. Input:\nPassage: Rogor keeps a hen.\nQuestion: What does Rogor keep?\n3. Output:\nA hen.\n###"));
});

test("rendered tasks parse back to the same triples (round trip, numbered from any start)", () => {
  for (const first of [1, 4, 17]) {
    const parsed = parseTasks(renderTasks(tasks, first), first);
    assert.deepEqual(parsed.map(({ instruction, input, output }) => ({ instruction, input, output })), tasks);
    assert.deepEqual(parsed.map((p) => p.number), [first, first + 1, first + 2]);
    assert.ok(parsed.every((p) => p.problem === undefined));
  }
  // The prompt's own tail plus a continuation: the continuation starts right after "4. Instruction:".
  const { prompt, next } = buildPrompt(tasks, 20);
  const continuation = ` Sort the numbers from smallest to largest.\n4. Input:\n9, 2, 5\n4. Output:\n2, 5, 9\n###\n5. Instruction: Tell me a fun fact.\n5. Input:\n<noinput>\n5. Output:\nBees dance.\n`;
  const parsed = parseTasks(continuation, next);
  assert.deepEqual(parsed.map(({ instruction, input, output, number }) => ({ instruction, input, output, number })), [
    { instruction: "Sort the numbers from smallest to largest.", input: "9, 2, 5", output: "2, 5, 9", number: 4 },
    { instruction: "Tell me a fun fact.", input: "", output: "Bees dance.", number: 5 },
  ]);
  assert.ok(prompt.length > 0);
});

test("continuations a chat model writes: the header restated, no separators, extra spacing", () => {
  const chat = "### 4. Instruction: Name a sweet food.\n4. Input: <noinput>\n4. Output: Honey.\n5 . instruction : List two colours.\n5. Output:\nred, blue";
  const parsed = parseTasks(chat, 4);
  assert.deepEqual(parsed.map(({ instruction, input, output }) => ({ instruction, input, output })), [
    { instruction: "Name a sweet food.", input: "", output: "Honey." },
    { instruction: "List two colours.", input: "", output: "red, blue" },
  ]);
  assert.ok(parsed.every((p) => !p.problem), "a missing Input section means no input");
});

test("a response cut by the token limit loses its last task; broken tasks say why", () => {
  const text = " Add the numbers.\n4. Input:\n2 and 3\n4. Output:\n5\n###\n5. Instruction: Subtract the numbers.\n5. Input:\n9 and 3\n5. Output:\n6";
  assert.deepEqual(parseTasks(text, 4, true).map((p) => p.problem?.rule), [undefined, "truncated"]);
  assert.deepEqual(parseTasks(text, 4, false).map((p) => p.problem?.rule), [undefined, undefined]);

  const broken = [
    " Describe the weather.\n4. Input:\ntoday\n###",
    "5. Instruction: Name a river.\n5. Input:\nx\n6. Output:\nvevo\n###",
    "7. Instruction: Count to three.\n7. Output:\none two three\n7. Output:\n1 2 3\n###",
    "8. Instruction: Say hello.\n8. Output:\nhello",
  ].join("\n");
  const parsed = parseTasks(broken, 4);
  assert.deepEqual(parsed.map((p) => [p.number, p.problem?.rule, p.problem?.detail]), [
    [4, "malformed", "no output section"],
    [5, "malformed", "output numbered 6 under instruction 5"],
    [7, "malformed", "two output sections"],
    [8, undefined, undefined],
  ]);
  // Junk before the first header of a restated list is ignored; text with no header is one task with no output.
  assert.deepEqual(parseTasks("", 4).map((p) => [p.instruction, p.problem?.rule]), [["", "malformed"]]);
  assert.equal(parseTasks("garbage garbage", 4)[0].instruction, "garbage garbage");
});
