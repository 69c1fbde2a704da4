import type { Command } from "../command";
import { parse, required } from "../args";
import { loadModel } from "../../model/load";
import { nativeKernelsInfo, nativeKernelsUnavailableReason } from "../../engine/native-kernels";

const command: Command = {
  name: "info",
  summary: "show a model's config, parameter count and the backend in use",
  usage: `usage: nanoinstruct info --model M [--json]

  --model M   a model directory, a bundled model name (e.g. nano-base) or a Hugging Face repo id
  --json      print one JSON object`,
  async run(argv) {
    const { values } = parse(argv, { model: { type: "string" }, json: { type: "boolean" } });
    const loaded = await loadModel(required(values.model, "model"));
    const { model, tokenizer, config, engine } = loaded;
    const report = {
      model: loaded.name,
      dir: loaded.dir,
      config,
      parameters: model.parameterCount(),
      tokenizer: { vocabSize: tokenizer.vocabSize, eosId: tokenizer.eosId, padId: tokenizer.padId, specialTokens: Object.fromEntries(tokenizer.specialTokens) },
      backend: engine.backend,
      device: engine.device,
      tfjs: engine.tfjsVersion,
      // on webgpu: vendor, architecture, device, driver description, Dawn backend, software or hardware
      adapter: engine.adapter ?? null,
      // on wasm: whether the native build of our kernels runs, and if not, why
      nativeKernels: engine.backend !== "wasm" ? null : nativeKernelsInfo() ?? `not in use: ${nativeKernelsUnavailableReason()}`,
    };
    if (values.json) console.log(JSON.stringify(report));
    else {
      console.log(`model       ${report.model}  (${report.dir})`);
      console.log(`parameters  ${report.parameters.toLocaleString("en-US")}`);
      console.log(`shape       ${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} dim, context ${config.blockSize}, vocab ${config.vocabSize}`);
      console.log(`tokenizer   ${tokenizer.vocabSize} tokens, eos ${tokenizer.eosId}, pad ${tokenizer.padId ?? "none"}`);
      console.log(`backend     ${engine.backend} — ${engine.device} (tfjs ${engine.tfjsVersion})`);
      if (report.nativeKernels !== null) console.log(`kernels     native: ${report.nativeKernels}`);
      const a = engine.adapter;
      if (a) console.log(`adapter     ${a.software ? "software" : "hardware"}: vendor '${a.vendor}', architecture '${a.architecture}', device '${a.device}', driver '${a.description}' (dawn ${a.dawnBackend}${a.compatibility ? ", compatibility mode" : ""})`);
    }
    model.dispose();
    return 0;
  },
};
export default command;
