import type { Command } from "../command";
import { num, parse, required } from "../args";
import { runEvaluation, DEFAULT_EVAL, EVAL_OUTPUT_FILES, type JudgeName } from "../../eval/pipeline";
import { checkOwnedOutputDir } from "../../rundir";
import { formatSummary } from "../../eval/summary";
import { UserError } from "../../errors";

const command: Command = {
  name: "eval",
  summary: "win-rate of a model against a baseline, with a bootstrap CI, per cluster and length-controlled",
  usage: `usage: nanoinstruct eval --model M --baseline B --eval-set SET --judge verifier|reference|llm --out DIR
                          [--judge-url URL --judge-model NAME] [--per-task N] [--template T] [--max-tokens N] [--seed S] [--json]

  SET is a data file in any supported format or a mixture directory (several, comma-separated), or a
  task-library held-out set: "tasks" (every task), or "cluster:NAME" / "task:NAME", comma-separated, a bare
  name taking the kind before it ("cluster:sentiment,nli").
  Writes DIR/judgments.jsonl and DIR/summary.json; generations and LLM judgments are cached in DIR,
  so an interrupted evaluation resumes where it stopped. A DIR holding other files is refused unless
  --overwrite (which writes those files and touches nothing else).`,
  async run(argv) {
    const { values } = parse(argv, {
      model: { type: "string" }, baseline: { type: "string" }, "eval-set": { type: "string" }, judge: { type: "string" },
      "judge-url": { type: "string" }, "judge-model": { type: "string" }, out: { type: "string" }, "per-task": { type: "string" },
      template: { type: "string" }, "max-tokens": { type: "string" }, seed: { type: "string" }, json: { type: "boolean" },
      overwrite: { type: "boolean" },
    });
    const judge = (values.judge ?? "verifier") as JudgeName;
    if (!["verifier", "reference", "llm"].includes(judge)) throw new UserError(`--judge must be verifier, reference or llm, got '${judge}'`, 2);
    // Never over someone else's files: --out holds only what an evaluation writes (or --overwrite says so).
    checkOwnedOutputDir(required(values.out, "out"), "--out", EVAL_OUTPUT_FILES, !!values.overwrite);
    const r = await runEvaluation({
      ...DEFAULT_EVAL,
      model: required(values.model, "model"), baseline: required(values.baseline, "baseline"), evalSet: required(values["eval-set"], "eval-set"),
      outDir: required(values.out, "out"), judge, judgeUrl: values["judge-url"] as string | undefined, judgeModel: values["judge-model"] as string | undefined,
      perTask: num(values["per-task"], "per-task", true, { min: 1 }) ?? DEFAULT_EVAL.perTask, template: values.template as string | undefined,
      decoding: { maxNewTokens: num(values["max-tokens"], "max-tokens", true, { min: 1 }) ?? 48 }, seed: num(values.seed, "seed", true) ?? 0,
      onProgress: values.json ? undefined : (s) => process.stderr.write(`${s}\n`),
    });
    console.log(values.json ? JSON.stringify(r.summary) : formatSummary(r.summary));
    return 0;
  },
};
export default command;
