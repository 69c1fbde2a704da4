import type { Command } from "../command";
import { parse, required } from "../args";
import { loadModel } from "../../model/load";
import { perplexity, tokenLogprobsAsync } from "../../model/score";
import { UserError } from "../../errors";

const command: Command = {
  name: "score",
  summary: "log-probabilities, NLL and perplexity of a text under a model",
  usage: `usage: nanoinstruct score --model M --text T [--json]

  Prints {"ids", "logprobs", "nll", "perplexity"} with --json, where logprobs[i] = log p(ids[i+1] | ids[0..i])
  and nll is their negated mean (nats per token).`,
  async run(argv) {
    const { values } = parse(argv, { model: { type: "string" }, text: { type: "string" }, json: { type: "boolean" } });
    const name = required(values.model, "model");
    const text = required(values.text, "text");
    const { model, tokenizer } = await loadModel(name);
    const ids = tokenizer.encode(text);
    if (ids.length < 2) throw new UserError(`--text encodes to ${ids.length} token(s); scoring needs at least 2`, 2);
    if (ids.length > model.config.blockSize) throw new UserError(`--text is ${ids.length} tokens; the model's context is ${model.config.blockSize}`, 2);
    const logprobs = await tokenLogprobsAsync(model, ids);
    const { nll, perplexity: ppl } = perplexity(logprobs);
    if (values.json) console.log(JSON.stringify({ ids, logprobs, nll, perplexity: ppl }));
    else {
      for (let i = 0; i < logprobs.length; i++) {
        console.log(`${JSON.stringify(tokenizer.decode([ids[i + 1]])).padEnd(20)} ${logprobs[i].toFixed(4)}`);
      }
      console.log(`tokens ${ids.length}  nll ${nll.toFixed(4)}  perplexity ${ppl.toFixed(3)}`);
    }
    model.dispose();
    return 0;
  },
};
export default command;
