import type { Command } from "../command";
import { parse, required } from "../args";
import { resolvePretrainConfig } from "../../pretrain/config";
import { pretrain } from "../../pretrain/run";
import { progressCallbacks } from "../progress";
import { readConfigFile } from "../set";
import { resumeCommand } from "../progress";

const command: Command = {
  name: "pretrain",
  summary: "train a base model from scratch on the synthetic world's corpus",
  usage: `usage: nanoinstruct pretrain --config FILE [--resume] [--set key=value ...] [--quiet]

  Generates the world and corpus, trains the BPE tokenizer and a GPT-2 from scratch, and writes
  <outDir>/model (config.json, model.safetensors, tokenizer, README.md model card).
  --resume          continue from the newest checkpoint in <outDir>/checkpoints
  --set key=value   override a config key (e.g. --set train.maxSteps=100 --set outDir=runs/x)
  --overwrite       write into a non-empty outDir that is not a run of this config (nothing else is deleted)
  Ctrl-C (or SIGTERM) stops after the current step with a checkpoint; a second one stops at once.`,
  async run(argv) {
    const { values } = parse(argv, { config: { type: "string" }, resume: { type: "boolean" }, overwrite: { type: "boolean" }, set: { type: "string", multiple: true }, quiet: { type: "boolean" } });
    const file = required(values.config, "config");
    const cfg = resolvePretrainConfig(readConfigFile(file, (values.set as string[] | undefined) ?? []), file);
    const t0 = Date.now();
    const report = await pretrain(cfg, {
      resume: !!values.resume, overwrite: !!values.overwrite,
      callbacks: progressCallbacks(cfg.train.maxSteps, !!values.quiet),
      command: `npx ${resumeCommand("pretrain", argv).replace(/ --resume$/, "")}`,
    });
    const ev = report.result.lastEval;
    console.log(JSON.stringify({
      model: report.modelDir, parameters: report.parameters, steps: report.result.steps,
      final_train_loss: report.result.finalLoss, eval_loss: ev?.eval_loss, eval_perplexity: ev?.eval_perplexity,
      cloze_accuracy: report.probes.clozeAccuracy, cloze_chance: report.probes.chance,
      instruction_exact_match: report.probes.instructionExactMatch, tokens_per_s: report.tokensPerSecond,
      seconds: (Date.now() - t0) / 1000, backend: report.engine.backend,
    }));
    return 0;
  },
};
export default command;
