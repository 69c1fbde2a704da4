import assert from "node:assert/strict";

/** |a - b| <= tol (1 + |b|) everywhere; a failure names the worst place and both values (`b` is the reference). */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} at ${at} (${a[at]} vs reference ${b[at]})`);
}
