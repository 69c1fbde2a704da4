import type { Command } from "../command";
import { num, parse, required } from "../args";
import { loadModel } from "../../model/load";
import { generateAsync } from "../../model/generate";
import { UserError } from "../../errors";

const command: Command = {
  name: "generate",
  summary: "continue a prompt (greedy by default; sampling with a seed)",
  usage: `usage: nanoinstruct generate --model M --prompt P [options] [--json]

  --max-tokens N    most new tokens (default 64)
  --temperature T   0 = greedy (default); > 0 samples
  --top-k K         sample among the K most likely tokens (default 0 = all)
  --top-p P         nucleus sampling threshold (default 1)
  --seed S          sampling seed (default 0)
  --stop S          stop before this string (repeatable)
  --json            print {"prompt", "text", "ids", "finish_reason", "tokens_per_s"}`,
  async run(argv) {
    const { values } = parse(argv, {
      model: { type: "string" }, prompt: { type: "string" }, "max-tokens": { type: "string" },
      temperature: { type: "string" }, "top-k": { type: "string" }, "top-p": { type: "string" },
      seed: { type: "string" }, stop: { type: "string", multiple: true }, json: { type: "boolean" },
    });
    const name = required(values.model, "model");
    const prompt = required(values.prompt, "prompt");
    const cfg = {
      maxNewTokens: num(values["max-tokens"], "max-tokens", true, { min: 1 }) ?? 64,
      temperature: num(values.temperature, "temperature", false, { min: 0 }) ?? 0,
      topK: num(values["top-k"], "top-k", true, { min: 0 }) ?? 0,
      topP: num(values["top-p"], "top-p", false, { above: 0, max: 1 }) ?? 1,
      seed: num(values.seed, "seed", true) ?? 0,
      stopStrings: (values.stop as string[] | undefined) ?? [],
    };
    if (cfg.maxNewTokens < 0) throw new UserError("--max-tokens must be >= 0", 2);
    if (cfg.temperature < 0) throw new UserError("--temperature must be >= 0", 2);
    if (!(cfg.topP > 0 && cfg.topP <= 1)) throw new UserError("--top-p must be in (0, 1]", 2);
    const { model, tokenizer } = await loadModel(name);
    const ids = tokenizer.encode(prompt);
    const promptIds = ids.length > 0 ? ids : [tokenizer.eosId];
    const decoder = values.json ? null : tokenizer.streamDecoder();
    if (!values.json) process.stdout.write(prompt);
    const t0 = performance.now();
    const [g] = await generateAsync(model, [promptIds], { ...cfg, stopTokenIds: [tokenizer.eosId] }, (x) => tokenizer.decode(x),
      decoder ? (_, id) => process.stdout.write(decoder.push(id)) : undefined);
    const seconds = (performance.now() - t0) / 1000;
    if (values.json) {
      console.log(JSON.stringify({ prompt, text: g.text, ids: g.ids, finish_reason: g.finishReason, tokens_per_s: g.ids.length / seconds }));
    } else {
      process.stdout.write(decoder!.flush() + "\n");
    }
    model.dispose();
    return 0;
  },
};
export default command;
