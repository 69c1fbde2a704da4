import type { Command } from "../command";
import { num, parse, required } from "../args";
import { UserError } from "../../errors";
import { loadModel } from "../../model/load";
import { DEFAULT_SERVE } from "../../serve/config";
import { ModelEngine } from "../../serve/engine";
import { startServer } from "../../serve/server";
import type { ChatRenderer } from "../../serve/chat";
import { getTemplate, tokenizePrompt, type TemplateSpec } from "../../data/templates";
import { templateLabel, templateOfModel } from "../../data/templates/hf";

/**
 * The template to chat with: --template, else the one the model was tuned with (config.json), else the
 * model's own chat template (tokenizer_config.json's chat_template or chat_template.jinja), else none.
 */
function templateSpec(flag: string | undefined, dir: string, extra: Record<string, unknown>): TemplateSpec | undefined {
  if (flag !== undefined) return flag as TemplateSpec; // getTemplate names the valid choices when it is wrong
  return templateOfModel(dir, extra) as TemplateSpec | undefined;
}

const command: Command = {
  name: "serve",
  summary: "serve a model over an OpenAI-compatible HTTP API (chat, completions, streaming, logprobs)",
  usage: `usage: nanoinstruct serve --model M [options]

  --model M          model directory, bundled name or Hugging Face repo id
  --name N           model name clients send and /v1/models lists (default: M as given)
  --host H           interface to bind (default ${DEFAULT_SERVE.host}: this machine only)
  --port P           port (default ${DEFAULT_SERVE.port}; 0 = any free port)
  --api-key K        require 'Authorization: Bearer K' (default: env NANOINSTRUCT_SERVE_API_KEY, else none)
  --template T       chat template for /v1/chat/completions: a name (chatml, alpaca, ...), a tokenizer_config.json
                     or a model directory with a chat template (default: the one the model was tuned with,
                     else its own tokenizer_config.json chat_template, else "User:/Assistant:")
  --max-tokens N     cap on max_tokens per request (default ${DEFAULT_SERVE.maxTokens})
  --max-queue N      requests that may wait behind the running one; more get 503 (default ${DEFAULT_SERVE.maxQueue})
  --truncate         keep the end of prompts longer than the context instead of answering 400
  --request-timeout MS  time a client has to send its whole request, headers and body (default ${DEFAULT_SERVE.requestTimeoutMs})

  Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions, GET /health.
  Ctrl-C (SIGINT) or SIGTERM finishes the running request, refuses new ones and exits.`,
  async run(argv) {
    const { values } = parse(argv, {
      model: { type: "string" }, name: { type: "string" }, host: { type: "string" }, port: { type: "string" },
      "api-key": { type: "string" }, template: { type: "string" }, "max-tokens": { type: "string" },
      "max-queue": { type: "string" }, truncate: { type: "boolean" }, "request-timeout": { type: "string" },
    });
    const modelName = required(values.model, "model");
    const port = num(values.port, "port", true, { min: 0, max: 65535 }) ?? DEFAULT_SERVE.port;
    if (port < 0 || port > 65535) throw new UserError(`--port must be in 0..65535, got ${port}`, 2);
    const maxTokens = num(values["max-tokens"], "max-tokens", true, { min: 1 }) ?? DEFAULT_SERVE.maxTokens;
    if (maxTokens < 1) throw new UserError("--max-tokens must be >= 1", 2);
    const maxQueue = num(values["max-queue"], "max-queue", true, { min: 0 }) ?? DEFAULT_SERVE.maxQueue;
    if (maxQueue < 0) throw new UserError("--max-queue must be >= 0", 2);
    const requestTimeoutMs = num(values["request-timeout"], "request-timeout", true, { min: 1 }) ?? DEFAULT_SERVE.requestTimeoutMs;
    if (requestTimeoutMs < 1) throw new UserError("--request-timeout must be >= 1 (milliseconds)", 2);
    const apiKey = (values["api-key"] as string | undefined) ?? (process.env.NANOINSTRUCT_SERVE_API_KEY || undefined);

    if (values.template !== undefined) getTemplate(values.template as TemplateSpec); // a typo fails before the model loads
    const loaded = await loadModel(modelName);
    const spec = templateSpec(values.template as string | undefined, loaded.dir, loaded.info.extra);
    let renderChat: ChatRenderer | undefined;
    let chatStop: readonly string[] | undefined;
    if (spec !== undefined) {
      const template = getTemplate(spec);
      // Ids, not text: the template's markup may be special tokens that plain-text encoding would spell out.
      renderChat = (messages) => tokenizePrompt(template, messages, loaded.tokenizer);
      chatStop = template.stopStrings;
    }
    const srv = await startServer({
      engine: new ModelEngine(loaded.model, loaded.tokenizer),
      renderChat, chatStop,
      config: {
        host: (values.host as string | undefined) ?? DEFAULT_SERVE.host, port, apiKey,
        modelId: (values.name as string | undefined) ?? modelName,
        maxTokens, defaultMaxTokens: Math.min(DEFAULT_SERVE.defaultMaxTokens, maxTokens), maxQueue,
        truncatePrompt: values.truncate === true, requestTimeoutMs,
      },
      log: (line) => console.error(line),
    });
    // Handlers go in before the "serving" line: whoever waits for that line may signal right away.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.error(`nanoinstruct: ${signal}: finishing the running request and shutting down`);
        srv.close().then(resolve, resolve);
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    if (srv.config.host !== "127.0.0.1" && srv.config.host !== "localhost" && srv.config.host !== "::1" && !apiKey) {
      console.error("nanoinstruct: warning: listening beyond this machine without --api-key");
    }
    console.error(`nanoinstruct: serving '${srv.config.modelId}' (${loaded.engine.backend}, context ${loaded.config.blockSize}, template ${spec === undefined ? "User:/Assistant:" : templateLabel(spec)}) at ${srv.url}/v1${apiKey ? " (API key required)" : ""}`);
    await stopped;
    loaded.model.dispose();
    return 0;
  },
};
export default command;
