// Entry of a training replica thread: plain JavaScript so it starts the same way from the CLI (ESM) and
// from the tslab kernel (CommonJS); it registers the TypeScript loader and runs replica.ts.
import { register } from "tsx/esm/api";
register();
await import("./replica.ts");
