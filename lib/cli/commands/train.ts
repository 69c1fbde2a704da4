import type { Command } from "../command";
import { parse, required } from "../args";
import { resolveFinetuneConfig } from "../../finetune/config";
import { finetune } from "../../finetune/run";
import { progressCallbacks } from "../progress";
import { readConfigFile } from "../set";
import { resumeCommand } from "../progress";

const command: Command = {
  name: "train",
  summary: "fine-tune a model on instruction data (full or LoRA), resumable",
  usage: `usage: nanoinstruct train --config FILE [--resume] [--set key=value ...] [--quiet]

  The config (JSON) names at least model, data, outDir, mode (full|lora), maxSteps or epochs, batchSize,
  learningRate, seed, checkpointEvery, evalEvery; see experiments/ for presets and lib/finetune/config.ts
  for every field. --set overrides any key (dotted for nested ones: --set lora.rank=16).
  --resume continues from the newest checkpoint in outDir. A non-empty outDir that is not a run of this
  config is refused; --overwrite writes the run's files into it anyway (nothing else there is deleted).
  Ctrl-C (or SIGTERM) stops after the current step with a checkpoint; a second one stops at once.`,
  async run(argv) {
    const { values } = parse(argv, { config: { type: "string" }, resume: { type: "boolean" }, overwrite: { type: "boolean" }, set: { type: "string", multiple: true }, quiet: { type: "boolean" } });
    const file = required(values.config, "config");
    const cfg = resolveFinetuneConfig(readConfigFile(file, (values.set as string[] | undefined) ?? []), file);
    const r = await finetune(cfg, {
      resume: !!values.resume, overwrite: !!values.overwrite, callbacks: progressCallbacks(cfg.maxSteps || 1, !!values.quiet), configFile: file,
      resumeCommand: resumeCommand("train", argv),
    });
    const ev = r.result.lastEval, first = r.result.firstEval;
    console.log(JSON.stringify({
      model: r.modelDir, adapter: r.adapterDir, steps: r.result.steps, final_train_loss: r.result.finalLoss,
      eval_loss_start: first?.eval_loss ?? null, eval_loss: ev?.eval_loss ?? null, eval_token_accuracy: ev?.eval_token_accuracy ?? null,
      trainable_parameters: r.parameters.trainable, total_parameters: r.parameters.total, seconds: r.result.seconds,
      resumed_from: r.result.resumedFrom, backend: r.engine.backend, device: r.engine.device, config_hash: r.configHash,
    }));
    return 0;
  },
};
export default command;
