import { test } from "node:test";
import assert from "node:assert/strict";
import { messagesFromFields, promptText, responseText, singleTurn, userContent, type InstructionRecord, type Message } from "../../lib/data/record";

const rec = (messages: Message[]): InstructionRecord => ({ id: "x", source: "s", messages, metadata: {}, provenance: { file: "f", format: "chat", container: "jsonl" } });

test("fields -> one user turn (instruction, blank line, input when there is one) and one assistant turn", () => {
  assert.equal(userContent({ instruction: "Do it.", input: "", output: "done" }), "Do it.");
  assert.equal(userContent({ instruction: "Do it.", input: "with this", output: "done" }), "Do it.\n\nwith this");
  assert.deepEqual(messagesFromFields({ instruction: "I", input: "", output: "O" }), [
    { role: "user", content: "I" },
    { role: "assistant", content: "O" },
  ]);
});

test("prompt/response views of a conversation", () => {
  const chat = rec([
    { role: "system", content: "S" },
    { role: "user", content: "U" },
    { role: "assistant", content: "A" },
  ]);
  assert.deepEqual(singleTurn(chat), { system: "S", prompt: "U", response: "A" });
  assert.equal(promptText(chat), "S\n\nU");
  assert.equal(responseText(chat), "A");
  const multi = rec([...chat.messages, { role: "user", content: "U2" }, { role: "assistant", content: "A2" }]);
  assert.equal(singleTurn(multi), undefined);
  assert.equal(responseText(multi), "A2");
  assert.equal(responseText(rec([{ role: "user", content: "only" }])), "");
  assert.equal(promptText(rec([{ role: "user", content: "only" }])), "only");
});
