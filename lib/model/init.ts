/** Parameter initialization's random numbers (normal samples from lib/random.ts's splitmix32), identical on every backend. */
import { splitmix32 } from "../random";

/** n samples of N(0, std²) by Box-Muller, deterministic in `seed`. */
export function normalSamples(n: number, std: number, seed: number): Float32Array {
  const next = splitmix32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(next(), 1e-12), u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
