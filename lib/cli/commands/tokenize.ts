import type { Command } from "../command";
import { parse, required } from "../args";
import { resolveModelDir } from "../../model/resolve";
import { loadTokenizer } from "../../tokenizer";

const command: Command = {
  name: "tokenize",
  summary: "print the token ids of a text as a JSON array",
  usage: `usage: nanoinstruct tokenize --model M --text T [--allow-special]

  --model M          a model directory, a bundled model name or a Hugging Face repo id
  --text T           the text to encode
  --allow-special    read special-token strings such as <|endoftext|> as their ids`,
  async run(argv) {
    const { values } = parse(argv, { model: { type: "string" }, text: { type: "string" }, "allow-special": { type: "boolean" } });
    const dir = await resolveModelDir(required(values.model, "model"));
    if (typeof values.text !== "string") required(values.text, "text");
    const tokenizer = loadTokenizer(dir);
    console.log(JSON.stringify(tokenizer.encode(values.text as string, { allowSpecial: !!values["allow-special"] })));
    return 0;
  },
};
export default command;
