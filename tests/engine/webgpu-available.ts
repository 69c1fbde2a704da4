// Whether the webgpu tests can run here: the optional packages load and Dawn finds an adapter (a GPU, or
// Mesa's llvmpipe through OpenGL). Returns false when they can, else the reason to skip with.
import { prepareWebGPU, webgpuFailure } from "../../lib/engine/webgpu";

export async function webgpuProblem(): Promise<string | false> {
  if (process.env.NANOINSTRUCT_SKIP_WEBGPU === "1") return "NANOINSTRUCT_SKIP_WEBGPU=1";
  return (await prepareWebGPU(true)) ? false : `webgpu unavailable: ${webgpuFailure()}`;
}
