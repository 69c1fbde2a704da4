// A whole generation run against a scripted OpenAI-compatible server over real HTTP: the scripted lists make
// every accepted and rejected count known in advance; then resuming, batching, chat, patience and errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeOpenAI, type FakeReply } from "../eval/fake-openai";
import { selfInstruct } from "../../lib/selfinstruct/run";
import { UserError } from "../../lib/errors";

let dir: string;
let seedsFile: string;
const SEEDS = [
  { id: "s1", instruction: "What is the capital city of the country given below?", instances: [{ input: "Kipaun", output: "Griasto" }], is_classification: false },
  { id: "s2", instruction: "Translate the English word into Dravese.", instances: [{ input: "dog", output: "vaba" }], is_classification: false },
  { id: "s3", instruction: "Give three short tips for keeping a kitchen clean.", instances: [{ input: "", output: "Wipe, wash, sweep." }], is_classification: false },
  { id: "s4", instruction: "Tell me whether the number is even or odd.", instances: [{ input: "47", output: "odd" }], is_classification: true },
];

type Scripted = [instruction: string, input: string | null, output: string | null];

/** The scripted tasks as a continuation of the request's prompt, numbered from where the prompt stops. */
function continuation(body: any, tasks: Scripted[]): string {
  const prompt: string = body.prompt ?? body.messages[0].content;
  const first = Number(/(\d+)\. Instruction:$/.exec(prompt)![1]);
  return tasks.map(([instruction, input, output], i) => {
    const n = first + i;
    return `${i === 0 ? "" : `###\n${n}. Instruction:`} ${instruction}\n` + (input === null ? "" : `${n}. Input:\n${input}\n`) + (output === null ? "" : `${n}. Output:\n${output}\n`);
  }).join("");
}

// The first response: 2 kept, and one candidate for each rule (the last one cut off by the token limit).
const FIRST: Scripted[] = [
  ["Convert the temperature from Celsius to Fahrenheit.", "20", "68"], // kept si-000001
  ["Draw a picture of a cat on a mat.", "<noinput>", "I cannot."], // blacklist
  ["Write a program that prints hello.", "<noinput>", "print('hello')"], // banned-prefix
  ["Say hi.", "<noinput>", "hi"], // too-short
  ["Convert the temperature from Celsius into Fahrenheit.", "30", "86"], // rouge vs si-000001
  ["What is the capital city of the country given?", "Thiovia", "Feze"], // rouge vs seed s1
  ["- List two rivers of the world.", "<noinput>", "Nile, Amazon"], // leading-punctuation
  ["Explain why the sea tastes salty.", "<noinput>", "It holds dissolved minerals."], // kept si-000002
  ["Élise wants a short greeting in French.", "<noinput>", "Bonjour"], // non-ascii-start
  ["Name a fruit that tastes sour.", "<noinput>", null], // malformed: no output
  ["Name a colour of the night sky.", "<noinput>", ""], // empty-output
  ["Give a synonym for the word happy.", "<noinput>", "glad"], // truncated (finish_reason length)
];
const FIRST_DROPS = { blacklist: 1, "banned-prefix": 1, "too-short": 1, rouge: 2, "leading-punctuation": 1, "non-ascii-start": 1, malformed: 1, "empty-output": 1, truncated: 1 };

// The second: 3 new tasks; a run with n = 3 stops after the first.
const SECOND: Scripted[] = [
  ["Sort the following numbers from smallest to largest.", "9, 2, 5", "2, 5, 9"], // kept si-000003
  ["Write a haiku about the first snow.", "<noinput>", "White hush on the hills"], // kept si-000004 (resume)
  ["Suggest a friendly name for a new bakery.", "<noinput>", "Warm Crumbs"], // kept si-000005 (resume)
];

const completion = (body: any, tasks: Scripted[], finish = "stop"): FakeReply =>
  ({ body: { id: "c", object: "text_completion", choices: [{ index: 0, text: continuation(body, tasks), finish_reason: finish }] } });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "ni-si-run-"));
  seedsFile = join(dir, "seeds.jsonl");
  writeFileSync(seedsFile, SEEDS.map((s) => JSON.stringify(s)).join("\n") + "\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const readJsonl = (file: string) => readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const retry = { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 5000 };

test("scripted lists: exact accepted and rejected counts, the output file, the log, the requests sent", async () => {
  const srv = await fakeOpenAI((body, n) => (n === 0 ? completion(body, FIRST, "length") : completion(body, SECOND)));
  try {
    const out = join(dir, "a", "gen.jsonl");
    const progress: number[] = [];
    const r = await selfInstruct(
      { baseURL: srv.baseURL, model: "m", seedTasks: seedsFile, out, n: 3, requestsPerBatch: 1, maxTokens: 500, seed: 3, retry },
      { onProgress: (p) => progress.push(p.kept) },
    );
    assert.equal(r.stopped, "done");
    assert.deepEqual([r.kept, r.requests, r.candidates, r.sent, r.resumed], [3, 2, 13, 2, 0]);
    const { byRule } = r;
    assert.deepEqual(Object.fromEntries(Object.entries(byRule).filter(([, v]) => v > 0)), FIRST_DROPS);
    assert.deepEqual(progress, [0, 2, 3]);

    assert.deepEqual(readJsonl(out), [
      { id: "si-000001", instruction: "Convert the temperature from Celsius to Fahrenheit.", input: "20", output: "68" },
      { id: "si-000002", instruction: "Explain why the sea tastes salty.", input: "", output: "It holds dissolved minerals." },
      { id: "si-000003", instruction: "Sort the following numbers from smallest to largest.", input: "9, 2, 5", output: "2, 5, 9" },
    ]);
    assert.equal(r.log, join(dir, "a", "gen.log.jsonl"));
    const log = readJsonl(r.log);
    assert.deepEqual(log.filter((l) => l.type === "request").map((l) => [l.request, l.finish_reason, l.tasks]), [[0, "length", 12], [1, "stop", 3]]);
    const cands = log.filter((l) => l.type === "candidate");
    assert.equal(cands.length, 13);
    const rougeSeed = cands.find((l) => l.instruction.startsWith("What is the capital"));
    assert.equal(rougeSeed.rule, "rouge");
    assert.match(rougeSeed.detail, /with s1$/);
    assert.equal(rougeSeed.nearest[0].id, "s1");
    const rougeGen = cands.find((l) => l.instruction.includes("into Fahrenheit"));
    assert.deepEqual([rougeGen.rule, rougeGen.nearest[0].id], ["rouge", "si-000001"]);
    assert.ok(rougeGen.nearest[0].score > 0.7 && rougeGen.nearest.length <= 10);
    assert.deepEqual(cands.filter((l) => l.kept).map((l) => l.id), ["si-000001", "si-000002", "si-000003"]);
    assert.ok(cands.every((l) => Array.isArray(l.nearest) && (l.kept ? l.rule === undefined : typeof l.detail === "string")));

    // What went over the wire: a completions request continuing the numbered list after 3 seed examples.
    assert.equal(srv.requests.length, 2);
    const body = srv.requests[0].body;
    assert.equal(srv.requests[0].url, "/v1/completions");
    assert.deepEqual([body.model, body.max_tokens, body.temperature, body.top_p, body.stop, body.n], ["m", 500, 1, 1, ["\n21."], 1]);
    assert.ok(body.prompt.endsWith("###\n4. Instruction:"));
    assert.equal(SEEDS.filter((s) => body.prompt.includes(s.instruction)).length, 3);
    assert.ok(Number.isInteger(body.seed));
    assert.equal(srv.requests[1].body.prompt.includes("Celsius"), false, "generatedExamples defaults to 0 (Alpaca)");
  } finally {
    await srv.close();
  }
});

test("a restarted run continues from the files: tasks on disk count, a torn last line is cut, requests go on", async () => {
  const srv = await fakeOpenAI((body, n) => (n === 0 ? completion(body, FIRST, "length") : completion(body, SECOND)));
  const out = join(dir, "b", "gen.jsonl");
  const base = { baseURL: srv.baseURL, model: "m", seedTasks: seedsFile, out, requestsPerBatch: 1, retry };
  try {
    await selfInstruct({ ...base, n: 2 });
    assert.equal(readJsonl(out).length, 2);
    appendFileSync(out, '{"id": "si-0000'); // a crash in the middle of a write
    const messages: string[] = [];
    const r = await selfInstruct({ ...base, n: 5, generatedExamples: 2 }, { onMessage: (m) => messages.push(m) });
    assert.match(messages.join("\n"), /gen\.jsonl: removed a torn last line \(15 bytes\)/);
    assert.deepEqual([r.resumed, r.kept, r.sent, r.stopped], [2, 5, 1, "done"]);
    // The second run's request got SECOND (the server's request 1): its three tasks are new.
    assert.deepEqual(readJsonl(out).map((t) => t.id), ["si-000001", "si-000002", "si-000003", "si-000004", "si-000005"]);
    const log = readJsonl(r.log);
    assert.deepEqual(log.filter((l) => l.type === "request").map((l) => l.request), [0, 1]);
    assert.deepEqual([r.requests, r.candidates], [2, 8 + 3], "the first run stopped at its second kept task");
    // Generated tasks on disk are shown as examples after the seeds once asked for.
    const prompt: string = srv.requests[1].body.prompt;
    assert.ok(prompt.includes("Convert the temperature from Celsius to Fahrenheit.") && prompt.includes("Explain why the sea tastes salty."));
    assert.ok(prompt.endsWith("###\n6. Instruction:"));
    // Run again with the target met: nothing is sent.
    const again = await selfInstruct({ ...base, n: 5 });
    assert.deepEqual([again.sent, again.kept, again.stopped], [0, 5, "done"]);
    assert.equal(srv.requests.length, 2);
  } finally {
    await srv.close();
  }
});

test("batches of concurrent requests; a model that only repeats itself stops after `patience` idle batches", async () => {
  const srv = await fakeOpenAI((body) => completion(body, FIRST, "length"));
  try {
    const r = await selfInstruct({ baseURL: srv.baseURL, model: "m", seedTasks: seedsFile, out: join(dir, "c", "gen.jsonl"), n: 50, requestsPerBatch: 3, patience: 2, retry });
    // Batch 1 keeps the 2 new tasks (the other two requests repeat them); batches 2 and 3 keep nothing.
    assert.deepEqual([r.stopped, r.kept, r.sent], ["patience", 2, 9]);
    assert.equal(r.byRule.rouge, 2 + 8 * 4);
    const capped = await selfInstruct({ baseURL: srv.baseURL, model: "m", seedTasks: seedsFile, out: join(dir, "d", "gen.jsonl"), n: 50, requestsPerBatch: 3, maxRequests: 4, retry });
    assert.deepEqual([capped.stopped, capped.sent], ["max-requests", 4]);
  } finally {
    await srv.close();
  }
});

test("the chat endpoint: the prompt as one user message; a reply restating the header parses the same", async () => {
  const srv = await fakeOpenAI((body) => ({ body: { choices: [{ index: 0, message: { role: "assistant", content: `4. Instruction:${continuation(body, SECOND)}` }, finish_reason: "stop" }] } }));
  try {
    const r = await selfInstruct({ baseURL: srv.baseURL, model: "chat-m", api: "chat", seedTasks: seedsFile, out: join(dir, "e", "gen.jsonl"), n: 3, requestsPerBatch: 1, retry });
    assert.deepEqual([r.kept, r.candidates, r.sent], [3, 3, 1]);
    assert.equal(srv.requests[0].url, "/v1/chat/completions");
    const msgs = srv.requests[0].body.messages;
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].role, "user");
    assert.ok(msgs[0].content.endsWith("4. Instruction:"));
  } finally {
    await srv.close();
  }
});

test("endpoint errors: retried when they can pass, one line naming the URL and the key variables when not", async () => {
  let calls = 0;
  const flaky = await fakeOpenAI((body) => (++calls === 1 ? { status: 503, body: { error: { message: "busy" } } } : completion(body, SECOND)));
  const denied = await fakeOpenAI(() => ({ status: 401, body: { error: { message: "bad key" } } }));
  const odd = await fakeOpenAI(() => ({ body: { choices: [] } }));
  const base = { model: "m", seedTasks: seedsFile, n: 1, requestsPerBatch: 1 };
  try {
    const retries: string[] = [];
    const r = await selfInstruct({ ...base, baseURL: flaky.baseURL, out: join(dir, "f", "gen.jsonl"), retry: { ...retry, maxRetries: 2 } }, { onMessage: (m) => retries.push(m) });
    assert.equal(r.kept, 1);
    assert.match(retries[0], /^request 0: retry 1 in 1 ms \(HTTP 503 \(busy\)\)$/);
    await assert.rejects(selfInstruct({ ...base, baseURL: denied.baseURL, out: join(dir, "g", "gen.jsonl"), apiKey: "k", retry }), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /\/v1\/completions: 401 unauthorized for model 'm' \(bad key\); set NANOINSTRUCT_SELF_INSTRUCT_API_KEY or OPENAI_API_KEY$/);
      return true;
    });
    assert.equal(denied.requests[0].headers.authorization, "Bearer k");
    await assert.rejects(selfInstruct({ ...base, baseURL: odd.baseURL, out: join(dir, "h", "gen.jsonl"), retry }), /has no choices\[0\]\.text string/);
    await assert.rejects(selfInstruct({ ...base, baseURL: "ftp://x", out: join(dir, "i", "gen.jsonl"), n: 0, tasksPerRequest: 3 }), (e: Error) => {
      assert.match(e.message, /^self-instruct: baseURL must be an http\(s\) URL, got "ftp:\/\/x"; n must be an integer >= 1, got 0; tasksPerRequest \(3\) must exceed the examples shown \(3\)$/);
      return true;
    });
  } finally {
    await Promise.all([flaky.close(), denied.close(), odd.close()]);
  }
});
