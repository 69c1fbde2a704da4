// Whether the webgpu tests can run here: the optional packages load and Dawn finds an adapter (a GPU, or
// Mesa's llvmpipe through OpenGL). Returns false when they can, else the reason to skip with (or throws,
// under NANOINSTRUCT_REQUIRE_WEBGPU=1).
import { prepareWebGPU, webgpuFailure } from "../../lib/engine/webgpu";

export async function webgpuProblem(): Promise<string | false> {
  if (process.env.NANOINSTRUCT_SKIP_WEBGPU === "1") return "NANOINSTRUCT_SKIP_WEBGPU=1";
  if (await prepareWebGPU(true)) return false;
  // CI installs Mesa (scripts/setup-system.sh) and sets this: there a missing adapter is a failure, not a skip.
  if (process.env.NANOINSTRUCT_REQUIRE_WEBGPU === "1") throw new Error(`NANOINSTRUCT_REQUIRE_WEBGPU=1 but ${webgpuFailure()}`);
  return `webgpu unavailable: ${webgpuFailure()}`;
}
