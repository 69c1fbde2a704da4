// A standalone check of the native kernels, without Node: every kernel nano_native.c exports is run on
// random inputs and compared with a plain scalar reference (in double) computed here, and the SIMD paths
// whose lanes must equal the scalar code bit for bit (exp, tanh, GELU) are compared with it exactly.
//
// It exists for the builds Node cannot run here: scripts/test-arm.sh compiles it for 64-bit ARM with
// Debian's cross compiler and runs it under qemu-aarch64, and compiles it for this x86-64 machine too, so
// both builds of the NEON/SSE mapping (wasm_simd_native.h) and of the GEMM tiles are checked the same way.
//   cc -O3 -ffp-contract=off [-mavx2 -mfma] -DNANO_NO_BLAS kernel_check.c -lm && ./a.out
// Prints one line per check and exits 1 when any fails.
#define NANO_NATIVE_NO_NAPI 1
#include "nano_native.c"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

static int checks = 0, failures = 0;
// FNV-1a over the bits of every output checked while `hashing` is on: the kernels other than matmul (whose
// summation order depends on the build's GEMM) must give the same bits on x86-64 and on ARM.
static int hashing = 0;
static unsigned long long digest = 0xcbf29ce484222325ull;
static void hash_floats(const float* x, size_t n) {
  if (!hashing) return;
  const unsigned char* p = (const unsigned char*)x;
  for (size_t i = 0; i < n * sizeof(float); i++) { digest ^= p[i]; digest *= 0x100000001b3ull; }
}
static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static float urand(void) { // uniform in [-1, 1)
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((rng_state >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f;
}
static float* fbuf(size_t n) {
  float* p = aligned_alloc(64, ((n * sizeof(float) + 64) / 64) * 64);
  for (size_t i = 0; i < n; i++) p[i] = urand();
  return p;
}
static double* dbuf(size_t n) { return calloc(n ? n : 1, sizeof(double)); }
// A kernel's scratch: filled with NaN, so a kernel that reads scratch it did not write fails its check,
// and drawing no random numbers, so the inputs after it do not depend on a build's scratch size (the
// AVX2 build's GEMM tile is wider, so its scratch is larger).
static float* sbuf(size_t n) {
  float* p = aligned_alloc(64, ((n * sizeof(float) + 64) / 64) * 64);
  for (size_t i = 0; i < n; i++) p[i] = __builtin_nanf("");
  return p;
}

// got vs ref: passes when every |got - ref| <= atol + rtol * scale[i] (scale NULL: |ref|).
static void check(const char* what, const float* got, const double* ref, const double* scale, size_t n, double atol, double rtol) {
  hash_floats(got, n);
  double worst = 0.0, ratio = 0.0;
  size_t at = 0;
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    double err = fabs((double)got[i] - ref[i]);
    double lim = atol + rtol * (scale ? scale[i] : fabs(ref[i]));
    if (!(err <= lim)) { if (!bad) at = i; bad = 1; }
    if (err > worst || err != err) worst = err;
    if (lim > 0 && err / lim > ratio) ratio = err / lim;
  }
  checks++;
  if (bad) failures++;
  printf("%s %-58s max |err| %.3g (%.2f of tolerance)%s", bad ? "FAIL" : "ok  ", what, worst, ratio, bad ? "" : "\n");
  if (bad) printf(" (first bad element %zu: %.9g, reference %.9g)\n", at, (double)got[at], ref[at]);
}

static int same_bits(float a, float b) { uint32_t x, y; memcpy(&x, &a, 4); memcpy(&y, &b, 4); return x == y; }
static void check_bits(const char* what, const float* got, const float* want, size_t n) {
  hash_floats(got, n);
  size_t bad = n;
  for (size_t i = 0; i < n && bad == n; i++) if (!same_bits(got[i], want[i])) bad = i;
  checks++;
  if (bad < n) { failures++; printf("FAIL %-58s element %zu: %.9g vs %.9g\n", what, bad, (double)got[bad], (double)want[bad]); }
  else printf("ok   %-58s bit for bit (%zu values)\n", what, n);
}

// The mapped intrinsics against wasm's definitions, on the values where a careless mapping differs
// (signed zeros and NaN for pmin/pmax, negative halves for floor, the sign bit for the bit operations).
static void check_intrinsics(void) {
  const float nan = __builtin_nanf(""), inf = __builtin_inff();
  float v[12] = { 0.0f, -0.0f, nan, 1.5f, -1.5f, inf, -inf, 2.5f, -2.5f, 3.0e38f, -7.0f, 1e-40f };
  enum { n = 12 * 12 };
  float got[6][n], want[6][n];
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 12; j += 4) {
      v128_t a = wasm_f32x4_splat(v[i]), b = wasm_v128_load(v + j);
      float r[6][4];
      wasm_v128_store(r[0], wasm_f32x4_pmin(a, b));
      wasm_v128_store(r[1], wasm_f32x4_pmax(a, b));
      wasm_v128_store(r[2], wasm_f32x4_floor(b));
      wasm_v128_store(r[3], wasm_v128_bitselect(a, b, wasm_f32x4_lt(a, b)));
      wasm_v128_store(r[4], wasm_v128_andnot(b, wasm_f32x4_gt(a, b)));
      wasm_v128_store(r[5], wasm_i32x4_shuffle(a, b, 5, 0, 7, 2));
      for (int l = 0; l < 4; l++) {
        float x = v[i], y = v[j + l];
        int k = i * 12 + j + l;
        for (int q = 0; q < 6; q++) got[q][k] = r[q][l];
        want[0][k] = y < x ? y : x;        // pmin(x, y)
        want[1][k] = x < y ? y : x;        // pmax(x, y)
        want[2][k] = __builtin_floorf(y);
        want[3][k] = x < y ? x : y;        // bitselect by a mask
        want[4][k] = x > y ? 0.0f : y;     // andnot by a mask
        want[5][k] = l == 0 ? v[j + 1] : l == 1 ? x : l == 2 ? v[j + 3] : x;
      }
    }
  const char* names[6] = { "pmin", "pmax", "floor", "bitselect(lt)", "andnot(gt)", "shuffle" };
  for (int q = 0; q < 6; q++) {
    char what[64];
    snprintf(what, sizeof what, "intrinsic %s on signed zeros, NaN, infinities", names[q]);
    check_bits(what, got[q], want[q], n);
  }
  // integer lanes: the exponent trick of nano_expf4 (trunc_sat, add, shl), on values the kernels give it
  float f[8] = { -127.0f, -3.7f, -0.5f, 0.0f, 0.9f, 1.0f, 64.2f, 128.0f }, g[8], h[8];
  for (int j = 0; j < 8; j += 4) {
    v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(wasm_v128_load(f + j)), wasm_i32x4_splat(127)), 23);
    wasm_v128_store(g + j, e);
    for (int l = 0; l < 4; l++) { uint32_t u = (uint32_t)((int)f[j + l] + 127) << 23; memcpy(h + j + l, &u, 4); }
  }
  check_bits("intrinsic trunc_sat, i32 add, shl", g, h, 8);
}

// ---------------------------------------------------------------------------------------------------
// SIMD lanes against the scalar code: the mapping of each wasm intrinsic must be exact for these to hold.

static void check_lanes(void) {
  enum { n = 4096 };
  float* x = fbuf(n);
  float* a = fbuf(n);
  float* b = fbuf(n);
  static const float pow10[7] = { 1e-4f, 1e-3f, 1e-2f, 1e-1f, 1.0f, 10.0f, 100.0f }; // not libm's powf: same inputs everywhere
  for (int i = 0; i < n; i++) x[i] = ((float)i / n - 0.5f) * 60.0f * pow10[i % 7];
  x[0] = -100.0f; x[1] = 100.0f; x[2] = -87.2f; x[3] = 88.8f; x[4] = 0.0f; x[5] = -0.0f; x[6] = 9.5f; x[7] = -9.5f;
  for (int i = 0; i < n; i += 4) {
    v128_t e = nano_expf4(wasm_v128_load(x + i));
    wasm_v128_store(a + i, e);
    for (int l = 0; l < 4; l++) b[i + l] = nano_expf(x[i + l]);
  }
  check_bits("exp: four lanes vs scalar", a, b, n);
  for (int i = 0; i < n; i += 4) {
    wasm_v128_store(a + i, nano_tanhf4(wasm_v128_load(x + i)));
    for (int l = 0; l < 4; l++) b[i + l] = nano_tanhf(x[i + l]);
  }
  check_bits("tanh: four lanes vs scalar", a, b, n);
  GELU_FORWARD(x, n, a);                      // the build's widest path (8 lanes with AVX2), tail scalar
  for (int i = 0; i < n; i++) gelu_forward(x + i, 1, b + i); // one element: the scalar loop
  check_bits("GELU forward: widest lanes vs scalar", a, b, n);
  float* dy = fbuf(n);
  GELU_BACKWARD(x, dy, n, a);
  for (int i = 0; i < n; i++) gelu_backward(x + i, dy + i, 1, b + i);
  check_bits("GELU backward: widest lanes vs scalar", a, b, n);
  // the training block's GELU (keeping tanh) and attention's softmax exps, at the build's widest width
  float* tk = fbuf(n);
  BLOCK_GELU_FORWARD_T(x, n, a, tk);
  for (int i = 0; i < n; i++) gelu_forward(x + i, 1, b + i);
  check_bits("GELU forward keeping tanh: widest lanes vs scalar", a, b, n);
  for (int i = 0; i < n; i++) b[i] = nano_tanhf(GELU_K * (x[i] + GELU_C * x[i] * x[i] * x[i]));
  check_bits("GELU's kept tanh: widest lanes vs scalar", tk, b, n);
  gelu_from_t(x, tk, n, a);
  for (int i = 0; i < n; i++) gelu_forward(x + i, 1, b + i);
  check_bits("GELU from its kept tanh vs scalar", a, b, n);
  gelu_backward_t(x, tk, dy, n, a);
  for (int i = 0; i < n; i++) gelu_backward(x + i, dy + i, 1, b + i);
  check_bits("GELU backward from its kept tanh vs scalar", a, b, n);
  for (int i = 0; i < n; i++) a[i] = x[i];
  EXP_SHIFTED(a, n, 3.25f);
  for (int i = 0; i < n; i++) b[i] = nano_expf(x[i] - 3.25f);
  check_bits("softmax exp (x - max): widest lanes vs scalar", a, b, n);
  free(tk);
  // exp and log against libm
  double* r = dbuf(n);
  for (int i = 0; i < n; i++) { float v = x[i] < -80.0f ? -80.0f : x[i] > 80.0f ? 80.0f : x[i]; x[i] = v; a[i] = nano_expf(v); r[i] = exp((double)v); }
  check("exp vs libm (relative)", a, r, NULL, n, 0.0, 3e-7);
  for (int i = 0; i < n; i++) { float v = (float)i * 0.37f + 1e-3f; a[i] = nano_logf(v); r[i] = log((double)v); }
  check("log vs libm", a, r, NULL, n, 2e-7, 2e-7);
  float* y = fbuf(n);
  for (int i = 0; i < n; i++) { double v = x[i] * 0.25, t = tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)); y[i] = (float)v; r[i] = 0.5 * v * (1.0 + t); }
  GELU_FORWARD(y, n, a);
  check("GELU forward vs libm tanh", a, r, NULL, n, 1e-6, 1e-5);
  free(x); free(a); free(b); free(dy); free(r); free(y);
}

// AdamW as the addon runs it (ADAMW_UPDATE: eight lanes with AVX2, scalar elsewhere) against the scalar
// loop, bit for bit, over a length with a tail; a second step from the first's moments, with clipping.
static void check_adamw_lanes(void) {
  int n = 1003;
  float *p = fbuf(n), *g = fbuf(n), *m = fbuf(n), *v = fbuf(n);
  for (int i = 0; i < n; i++) v[i] = fabsf(v[i]);
  float *p2 = malloc(sizeof(float) * n), *m2 = malloc(sizeof(float) * n), *v2 = malloc(sizeof(float) * n);
  memcpy(p2, p, sizeof(float) * n); memcpy(m2, m, sizeof(float) * n); memcpy(v2, v, sizeof(float) * n);
  for (int t = 1; t <= 2; t++) {
    float bc1 = 1.0f - powf(0.9f, (float)t), bc2 = 1.0f - powf(0.95f, (float)t), gs = t == 1 ? 1.0f / 2048.0f : 0.37f;
    ADAMW_UPDATE(p, g, m, v, n, 3e-4f, 0.9f, 0.95f, 1e-8f, 0.1f, bc1, bc2, gs);
    for (int i = 0; i < n; i++) adamw_update(p2 + i, g + i, m2 + i, v2 + i, 1, 3e-4f, 0.9f, 0.95f, 1e-8f, 0.1f, bc1, bc2, gs);
  }
  check_bits("AdamW: widest lanes vs scalar, parameters", p, p2, n);
  check_bits("AdamW: widest lanes vs scalar, first moments", m, m2, n);
  check_bits("AdamW: widest lanes vs scalar, second moments", v, v2, n);
  free(p); free(g); free(m); free(v); free(p2); free(m2); free(v2);
}

// ---------------------------------------------------------------------------------------------------
// Matmul in every layout, both sides of SMALL_M, partial tiles, two depth blocks, accumulate, batch.

static void check_matmul(int batch, int M, int N, int K, int ta, int tb, int acc, int bcast_a) {
  int sam = ta ? 1 : K, sak = ta ? M : 1, sbk = tb ? 1 : N, sbn = tb ? K : 1;
  int sab = bcast_a ? 0 : M * K, sbb = M > 0 ? K * N : 0;
  float* A = fbuf((size_t)(bcast_a ? 1 : batch) * M * K);
  float* B = fbuf((size_t)batch * K * N);
  float* C = fbuf((size_t)batch * M * N);
  double* ref = dbuf((size_t)batch * M * N);
  double* sc = dbuf((size_t)batch * M * N);
  for (int bi = 0; bi < batch; bi++)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) {
        double s = acc ? C[((size_t)bi * M + i) * N + j] : 0.0, m = fabs(s);
        for (int k = 0; k < K; k++) {
          double p = (double)A[(size_t)bi * sab + (size_t)i * sam + (size_t)k * sak] * B[(size_t)bi * sbb + (size_t)k * sbk + (size_t)j * sbn];
          s += p; m += fabs(p);
        }
        ref[((size_t)bi * M + i) * N + j] = s;
        sc[((size_t)bi * M + i) * N + j] = m;
      }
  float* scratch = sbuf((size_t)matmul_scratch_floats(M, N) + 16);
  nano_matmul(C, A, B, batch, M, N, K, sab, sam, sak, sbb, sbk, sbn, acc, scratch);
  char what[96];
  snprintf(what, sizeof what, "matmul %dx %dx%dx%d%s%s%s%s", batch, M, N, K, ta ? " A^T" : "", tb ? " B^T" : "", acc ? " +=" : "", bcast_a ? " A broadcast" : "");
  check(what, C, ref, sc, (size_t)batch * M * N, 1e-6, 2e-6);
  free(A); free(B); free(C); free(ref); free(sc); free(scratch);
}

static void check_linear_colsum(int N, int in, int out) {
  float* x = fbuf((size_t)N * in);
  float* W = fbuf((size_t)in * out);
  float* b = fbuf(out);
  float* y = fbuf((size_t)N * out);
  double* ref = dbuf((size_t)N * out);
  double* sc = dbuf((size_t)N * out);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < out; j++) {
      double s = b[j], m = fabs(s);
      for (int k = 0; k < in; k++) { double p = (double)x[(size_t)i * in + k] * W[(size_t)k * out + j]; s += p; m += fabs(p); }
      ref[(size_t)i * out + j] = s; sc[(size_t)i * out + j] = m;
    }
  float* scratch = sbuf((size_t)matmul_scratch_floats(N, out) + 16);
  linear_forward(x, W, b, N, in, out, y, scratch);
  char what[64];
  snprintf(what, sizeof what, "linear %dx%d -> %d", N, in, out);
  check(what, y, ref, sc, (size_t)N * out, 1e-6, 2e-6);
  float* cs = fbuf(in);
  for (int j = 0; j < in; j++) {
    double s = 0, m = 0;
    for (int i = 0; i < N; i++) { s += x[(size_t)i * in + j]; m += fabs(x[(size_t)i * in + j]); }
    ref[j] = s; sc[j] = m;
  }
  col_sum(x, N, in, cs);
  snprintf(what, sizeof what, "col_sum %dx%d", N, in);
  check(what, cs, ref, sc, in, 1e-6, 1e-6);
  free(x); free(W); free(b); free(y); free(ref); free(sc); free(scratch); free(cs);
}

// ---------------------------------------------------------------------------------------------------
// Layer norm, cross-entropy, segment sum, sum of squares, AdamW.

static void ref_layernorm(const float* x, const float* g, const float* b, int N, int C, double eps, double* y, double* mean, double* rstd) {
  for (int i = 0; i < N; i++) {
    const float* r = x + (size_t)i * C;
    double m = 0, v = 0;
    for (int j = 0; j < C; j++) m += r[j];
    m /= C;
    for (int j = 0; j < C; j++) v += (r[j] - m) * (r[j] - m);
    double rs = 1.0 / sqrt(v / C + eps);
    for (int j = 0; j < C; j++) y[(size_t)i * C + j] = (r[j] - m) * rs * g[j] + b[j];
    if (mean) { mean[i] = m; rstd[i] = rs; }
  }
}

static void check_layernorm(int N, int C) {
  float *x = fbuf((size_t)N * C), *g = fbuf(C), *b = fbuf(C), *y = fbuf((size_t)N * C), *mean = fbuf(N), *rstd = fbuf(N);
  for (int i = 0; i < N * C; i++) x[i] = x[i] * 3.0f + 0.5f;
  double *ry = dbuf((size_t)N * C), *rm = dbuf(N), *rr = dbuf(N);
  ref_layernorm(x, g, b, N, C, 1e-5, ry, rm, rr);
  layernorm_forward(x, g, b, N, C, 1e-5f, y, mean, rstd);
  char what[64];
  snprintf(what, sizeof what, "layer norm forward %dx%d", N, C);
  check(what, y, ry, NULL, (size_t)N * C, 2e-6, 1e-5);
  check("layer norm mean", mean, rm, NULL, N, 1e-6, 1e-6);
  check("layer norm 1/std", rstd, rr, NULL, N, 1e-6, 1e-5);
  // backward, from the reference statistics' definition: dx = r (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
  float *dy = fbuf((size_t)N * C), *dx = fbuf((size_t)N * C), *dg = fbuf(C), *db = fbuf(C);
  double *rdx = dbuf((size_t)N * C), *rdg = dbuf(C), *rdb = dbuf(C), *sdg = dbuf(C);
  for (int i = 0; i < N; i++) {
    double sa = 0, sb = 0;
    for (int j = 0; j < C; j++) {
      double xh = (x[(size_t)i * C + j] - rm[i]) * rr[i], d = (double)dy[(size_t)i * C + j] * g[j];
      sa += d; sb += d * xh;
      rdg[j] += dy[(size_t)i * C + j] * xh; sdg[j] += fabs(dy[(size_t)i * C + j] * xh) + 1.0;
      rdb[j] += dy[(size_t)i * C + j];
    }
    for (int j = 0; j < C; j++) {
      double xh = (x[(size_t)i * C + j] - rm[i]) * rr[i];
      rdx[(size_t)i * C + j] = rr[i] * ((double)dy[(size_t)i * C + j] * g[j] - sa / C - xh * sb / C);
    }
  }
  layernorm_backward(x, g, mean, rstd, dy, N, C, dx, dg, db);
  check("layer norm backward dx", dx, rdx, NULL, (size_t)N * C, 1e-5, 1e-4);
  check("layer norm backward dgamma", dg, rdg, sdg, C, 1e-6, 1e-5);
  check("layer norm backward dbeta", db, rdb, sdg, C, 1e-6, 1e-5);
  free(x); free(g); free(b); free(y); free(mean); free(rstd); free(ry); free(rm); free(rr);
  free(dy); free(dx); free(dg); free(db); free(rdx); free(rdg); free(rdb); free(sdg);
}

static void check_xent(int N, int V) {
  float *l = fbuf((size_t)N * V), *loss = fbuf(N), *dloss = fbuf(N), *dl = fbuf((size_t)N * V);
  int* y = malloc(sizeof(int) * N);
  for (int i = 0; i < N * V; i++) l[i] *= 8.0f;
  for (int i = 0; i < N; i++) y[i] = i % 5 == 3 ? -100 : i % 7 == 6 ? V + 2 : (i * 37) % V;
  double *rl = dbuf(N), *rd = dbuf((size_t)N * V);
  for (int i = 0; i < N; i++) {
    const float* r = l + (size_t)i * V;
    if (y[i] < 0 || y[i] >= V) continue; // ignored or out of range: 0
    double mx = r[0], s = 0;
    for (int j = 1; j < V; j++) mx = r[j] > mx ? r[j] : mx;
    for (int j = 0; j < V; j++) s += exp(r[j] - mx);
    rl[i] = log(s) + mx - r[y[i]];
    for (int j = 0; j < V; j++) rd[(size_t)i * V + j] = dloss[i] * (exp(r[j] - mx) / s - (j == y[i]));
  }
  xent_forward(l, y, N, V, -100, loss);
  char what[64];
  snprintf(what, sizeof what, "softmax cross-entropy forward %dx%d", N, V);
  check(what, loss, rl, NULL, N, 1e-5, 1e-5);
  xent_backward(l, y, dloss, N, V, -100, dl);
  check("softmax cross-entropy backward", dl, rd, NULL, (size_t)N * V, 1e-6, 1e-5);
  free(l); free(loss); free(dloss); free(dl); free(y); free(rl); free(rd);
}

static void check_misc(void) {
  // segment_sum (gather's gradient): ids out of range are dropped
  int n = 50, inner = 13, ns = 7;
  float *x = fbuf((size_t)n * inner), *out = fbuf((size_t)ns * inner);
  int* ids = malloc(sizeof(int) * n);
  double* ref = dbuf((size_t)ns * inner);
  for (int i = 0; i < n; i++) ids[i] = i % 11 == 10 ? -1 : i % 13 == 12 ? ns : (i * 3) % ns;
  for (int i = 0; i < n; i++)
    if (ids[i] >= 0 && ids[i] < ns)
      for (int j = 0; j < inner; j++) ref[(size_t)ids[i] * inner + j] += x[(size_t)i * inner + j];
  segment_sum(x, ids, n, inner, ns, out);
  check("segment_sum 50x13 -> 7", out, ref, NULL, (size_t)ns * inner, 1e-6, 1e-6);
  // sum of squares (in double)
  int m = 10007;
  float* v = fbuf(m);
  double s = 0;
  for (int i = 0; i < m; i++) s += (double)v[i] * v[i];
  float got = (float)sum_squares(v, m);
  check("sum_squares 10007", &got, &s, NULL, 1, 0, 1e-6);
  // AdamW, decoupled weight decay
  float *p = fbuf(m), *g = fbuf(m), *mm = fbuf(m), *vv = fbuf(m);
  double *rp = dbuf(m), *rm = dbuf(m), *rv = dbuf(m);
  for (int i = 0; i < m; i++) vv[i] = fabsf(vv[i]);
  double lr = 1e-3, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1, bc1 = 1 - pow(b1, 3), bc2 = 1 - pow(b2, 3), gs = 0.5;
  for (int i = 0; i < m; i++) {
    double gi = g[i] * gs;
    rm[i] = b1 * mm[i] + (1 - b1) * gi;
    rv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
    rp[i] = p[i] * (1 - lr * wd) - lr * (rm[i] / bc1) / (sqrt(rv[i] / bc2) + eps);
  }
  adamw_update(p, g, mm, vv, m, (float)lr, (float)b1, (float)b2, (float)eps, (float)wd, (float)bc1, (float)bc2, (float)gs);
  check("AdamW parameters", p, rp, NULL, m, 1e-7, 1e-5);
  check("AdamW first moments", mm, rm, NULL, m, 1e-7, 1e-5);
  check("AdamW second moments", vv, rv, NULL, m, 1e-9, 1e-5);
  // copy_rows and embed: plain copies and one add, exact
  int B = 3, T = 5, C = 10, V = 17;
  float *src = fbuf((size_t)B * T * 3 * C), *dst = fbuf((size_t)B * 8 * C);
  double* rd = dbuf((size_t)B * 8 * C);
  for (int i = 0; i < B * 8 * C; i++) rd[i] = dst[i];
  for (int b = 0; b < B; b++) for (int r = 0; r < T; r++) for (int j = 0; j < C; j++)
    rd[(size_t)b * 8 * C + (size_t)(2 + r) * C + j] = src[(size_t)b * T * 3 * C + (size_t)r * 3 * C + C + j];
  copy_rows(dst + 2 * C, 8 * C, C, src + C, T * 3 * C, 3 * C, B, T, C);
  check("copy_rows (KV cache rows)", dst, rd, NULL, (size_t)B * 8 * C, 0, 0);
  float *wte = fbuf((size_t)V * C), *wpe = fbuf((size_t)(T + 4) * C), *emb = fbuf((size_t)B * T * C);
  int *tok = malloc(sizeof(int) * B * T), *pos = malloc(sizeof(int) * B * T);
  double* re = dbuf((size_t)B * T * C);
  for (int i = 0; i < B * T; i++) { tok[i] = (i * 5) % V; pos[i] = (i * 3) % (T + 4); }
  for (int i = 0; i < B * T; i++) for (int j = 0; j < C; j++) re[(size_t)i * C + j] = (double)(wte[(size_t)tok[i] * C + j] + wpe[(size_t)(4 + i % T) * C + j]);
  embed(emb, wte, wpe, tok, NULL, 4, B * T, T, C);
  check("embed (positions from start)", emb, re, NULL, (size_t)B * T * C, 0, 0);
  for (int i = 0; i < B * T; i++) for (int j = 0; j < C; j++) re[(size_t)i * C + j] = (double)(wte[(size_t)tok[i] * C + j] + wpe[(size_t)pos[i] * C + j]);
  embed(emb, wte, wpe, tok, pos, 0, B * T, T, C);
  check("embed (positions given)", emb, re, NULL, (size_t)B * T * C, 0, 0);
  free(x); free(out); free(ids); free(ref); free(v); free(p); free(g); free(mm); free(vv); free(rp); free(rm); free(rv);
  free(src); free(dst); free(rd); free(wte); free(wpe); free(emb); free(tok); free(pos); free(re);
}

// ---------------------------------------------------------------------------------------------------
// Attention, forward (with a cached prefix and a bias) and backward, q/k/v read from a (B, T, 3C) projection.

// y and P of causal attention for one (b, h): q rows at q + t * qs, keys/values at k/v + s * ks.
static void ref_attention_head(const float* q, int qs, const float* k, const float* v, int ks, int T, int past, int hs,
                               const float* bias, double scale, double* P, double* y, int ys) {
  int S = past + T;
  for (int i = 0; i < T; i++) {
    double mx = -1e300;
    for (int j = 0; j < S; j++) {
      double s = 0;
      if (j <= past + i) {
        for (int d = 0; d < hs; d++) s += (double)q[(size_t)i * qs + d] * k[(size_t)j * ks + d];
        s = s * scale + (bias ? bias[(size_t)i * S + j] : 0.0);
        if (s > mx) mx = s;
      }
      P[(size_t)i * S + j] = s;
    }
    double sum = 0;
    for (int j = 0; j < S; j++) { P[(size_t)i * S + j] = j <= past + i ? exp(P[(size_t)i * S + j] - mx) : 0.0; sum += P[(size_t)i * S + j]; }
    for (int j = 0; j < S; j++) P[(size_t)i * S + j] /= sum;
    for (int d = 0; d < hs; d++) {
      double s = 0;
      for (int j = 0; j < S; j++) s += P[(size_t)i * S + j] * v[(size_t)j * ks + d];
      y[(size_t)i * ys + d] = s;
    }
  }
}

static void check_attention(int B, int nh, int T, int hs, int past, int with_bias) {
  int C = nh * hs, C3 = 3 * C, S = past + T;
  // queries from a (B, T, 3C) projection; keys and values in a (B, S, C) cache (past > 0) or the projection
  float* qkv = fbuf((size_t)B * T * C3);
  float *kc = fbuf((size_t)B * S * C), *vc = fbuf((size_t)B * S * C);
  float* bias = with_bias ? fbuf((size_t)B * nh * T * S) : NULL;
  float *y = fbuf((size_t)B * T * C), *P = fbuf((size_t)B * nh * T * S);
  double *ry = dbuf((size_t)B * T * C), *rP = dbuf((size_t)B * nh * T * S);
  const float *k0 = past ? kc : qkv + C, *v0 = past ? vc : qkv + 2 * C;
  int kt = past ? C : C3, kb = past ? S * C : T * C3;
  double scale = 1.0 / sqrt((double)hs);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < nh; h++)
      ref_attention_head(qkv + (size_t)b * T * C3 + (size_t)h * hs, C3, k0 + (size_t)b * kb + (size_t)h * hs, v0 + (size_t)b * kb + (size_t)h * hs, kt,
                         T, past, hs, bias ? bias + ((size_t)b * nh + h) * T * S : NULL, scale,
                         rP + ((size_t)b * nh + h) * T * S, ry + (size_t)b * T * C + (size_t)h * hs, C);
  float* scratch = sbuf((size_t)attention_scratch_floats(T, S, hs) + 16);
  attention_forward(qkv, k0, v0, y, P, B, nh, T, past, hs, T * C3, hs, C3, kb, hs, kt, kb, hs, kt, T * C, hs, C,
                    bias, bias ? nh * T * S : 0, bias ? T * S : 0, (float)scale, scratch);
  char what[96];
  snprintf(what, sizeof what, "attention forward B=%d nh=%d T=%d hs=%d past=%d%s: probs", B, nh, T, hs, past, with_bias ? " bias" : "");
  check(what, P, rP, NULL, (size_t)B * nh * T * S, 1e-6, 1e-5);
  check("attention forward: output", y, ry, NULL, (size_t)B * T * C, 1e-6, 1e-5);
  if (past == 0 && !with_bias) {
    // backward: dS = P * (dP - rowsum(dP * P)) * scale, dP = dy v^T; dq = dS k, dk = dS^T q, dv = P^T dy
    float *dy = fbuf((size_t)B * T * C), *dqkv = fbuf((size_t)B * T * C3);
    double* rd = dbuf((size_t)B * T * C3);
    double *dP = dbuf((size_t)T * T);
    for (int b = 0; b < B; b++)
      for (int h = 0; h < nh; h++) {
        const float* base = qkv + (size_t)b * T * C3 + (size_t)h * hs;
        const float* dyb = dy + (size_t)b * T * C + (size_t)h * hs;
        const double* Pb = rP + ((size_t)b * nh + h) * T * T;
        double* db = rd + (size_t)b * T * C3 + (size_t)h * hs;
        for (int i = 0; i < T; i++) {
          double dot = 0;
          for (int j = 0; j < T; j++) {
            double s = 0;
            for (int d = 0; d < hs; d++) s += (double)dyb[(size_t)i * C + d] * base[(size_t)j * C3 + 2 * C + d];
            dP[(size_t)i * T + j] = s;
            dot += s * Pb[(size_t)i * T + j];
          }
          for (int j = 0; j < T; j++) dP[(size_t)i * T + j] = Pb[(size_t)i * T + j] * (dP[(size_t)i * T + j] - dot) * scale;
        }
        for (int i = 0; i < T; i++)
          for (int d = 0; d < hs; d++) {
            double sq = 0, sk = 0, sv = 0;
            for (int j = 0; j < T; j++) {
              sq += dP[(size_t)i * T + j] * base[(size_t)j * C3 + C + d];
              sk += dP[(size_t)j * T + i] * base[(size_t)j * C3 + d];
              sv += Pb[(size_t)j * T + i] * dyb[(size_t)j * C + d];
            }
            db[(size_t)i * C3 + d] = sq; db[(size_t)i * C3 + C + d] = sk; db[(size_t)i * C3 + 2 * C + d] = sv;
          }
      }
    for (int i = 0; i < B * T * C3; i++) dqkv[i] = 12345.0f; // every element must be written
    attention_backward(qkv, qkv + C, qkv + 2 * C, P, dy, dqkv, dqkv + C, dqkv + 2 * C, B, nh, T, 0, hs,
                       T * C3, hs, C3, T * C3, hs, C3, T * C3, hs, C3, T * C, hs, C, (float)scale, scratch);
    check("attention backward: dq, dk, dv", dqkv, rd, NULL, (size_t)B * T * C3, 2e-6, 1e-4);
    free(dy); free(dqkv); free(rd); free(dP);
  }
  free(qkv); free(kc); free(vc); free(bias); free(y); free(P); free(ry); free(rP); free(scratch);
}

// ---------------------------------------------------------------------------------------------------
// The fused decode block (generation) against the reference block computed from the pieces above.

static void ref_linear(const double* x, const float* W, const float* b, int N, int in, int out, double* y) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < out; j++) {
      double s = b[j];
      for (int k = 0; k < in; k++) s += x[(size_t)i * in + k] * W[(size_t)k * out + j];
      y[(size_t)i * out + j] = s;
    }
}
static void ref_layernorm_d(const double* x, const float* g, const float* b, int N, int C, double eps, double* y) {
  for (int i = 0; i < N; i++) {
    double m = 0, v = 0;
    for (int j = 0; j < C; j++) m += x[(size_t)i * C + j];
    m /= C;
    for (int j = 0; j < C; j++) v += (x[(size_t)i * C + j] - m) * (x[(size_t)i * C + j] - m);
    double r = 1.0 / sqrt(v / C + eps);
    for (int j = 0; j < C; j++) y[(size_t)i * C + j] = (x[(size_t)i * C + j] - m) * r * g[j] + b[j];
  }
}

static void check_decode_block(int B, int T, int past, int C, int nh) {
  int N = B * T, S = past + T, cap = S + 3, hs = C / nh, C3 = 3 * C;
  float* w[12];
  int sizes[12] = { C, C, C * C3, C3, C * C, C, C, C, C * 4 * C, 4 * C, 4 * C * C, C };
  for (int i = 0; i < 12; i++) {
    w[i] = fbuf(sizes[i]);
    if (i == 0 || i == 6) for (int j = 0; j < C; j++) w[i][j] = 1.0f + 0.1f * w[i][j];
    else for (int j = 0; j < sizes[i]; j++) w[i][j] *= 0.2f;
  }
  float *x = fbuf((size_t)N * C), *y = fbuf((size_t)N * C), *K = fbuf((size_t)B * cap * C), *V = fbuf((size_t)B * cap * C);
  double *xd = dbuf((size_t)N * C), *h = dbuf((size_t)N * C), *qkv = dbuf((size_t)N * C3), *att = dbuf((size_t)N * C), *x1 = dbuf((size_t)N * C);
  double *hid = dbuf((size_t)N * 4 * C), *ry = dbuf((size_t)N * C), *rK = dbuf((size_t)B * cap * C), *rV = dbuf((size_t)B * cap * C);
  for (int i = 0; i < N * C; i++) xd[i] = x[i];
  for (int i = 0; i < B * cap * C; i++) { rK[i] = K[i]; rV[i] = V[i]; }
  ref_layernorm_d(xd, w[0], w[1], N, C, 1e-5, h);
  ref_linear(h, w[2], w[3], N, C, C3, qkv);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int j = 0; j < C; j++) {
        rK[((size_t)b * cap + past + t) * C + j] = (float)qkv[((size_t)b * T + t) * C3 + C + j];
        rV[((size_t)b * cap + past + t) * C + j] = (float)qkv[((size_t)b * T + t) * C3 + 2 * C + j];
      }
  // attention in double over the reference cache
  for (int b = 0; b < B; b++)
    for (int hh = 0; hh < nh; hh++)
      for (int i = 0; i < T; i++) {
        double sc[512], mx = -1e300, sum = 0;
        for (int j = 0; j <= past + i; j++) {
          double s = 0;
          for (int d = 0; d < hs; d++) s += qkv[((size_t)b * T + i) * C3 + hh * hs + d] * rK[((size_t)b * cap + j) * C + hh * hs + d];
          sc[j] = s / sqrt((double)hs);
          if (sc[j] > mx) mx = sc[j];
        }
        for (int j = 0; j <= past + i; j++) { sc[j] = exp(sc[j] - mx); sum += sc[j]; }
        for (int d = 0; d < hs; d++) {
          double s = 0;
          for (int j = 0; j <= past + i; j++) s += sc[j] / sum * rV[((size_t)b * cap + j) * C + hh * hs + d];
          att[((size_t)b * T + i) * C + hh * hs + d] = s;
        }
      }
  ref_linear(att, w[4], w[5], N, C, C, h);
  for (int i = 0; i < N * C; i++) x1[i] = xd[i] + h[i];
  ref_layernorm_d(x1, w[6], w[7], N, C, 1e-5, h);
  ref_linear(h, w[8], w[9], N, C, 4 * C, hid);
  for (int i = 0; i < N * 4 * C; i++) { double v = hid[i]; hid[i] = 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))); }
  ref_linear(hid, w[10], w[11], N, 4 * C, C, h);
  for (int i = 0; i < N * C; i++) ry[i] = x1[i] + h[i];
  float* scratch = sbuf((size_t)decode_block_scratch_floats(B, T, S, C, nh) + 16);
  decode_block(x, y, K, V, B, T, past, cap, C, nh, 1e-5f, NULL, 0, scratch,
               w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11]);
  char what[80];
  snprintf(what, sizeof what, "decode block B=%d T=%d past=%d C=%d nh=%d", B, T, past, C, nh);
  check(what, y, ry, NULL, (size_t)N * C, 2e-5, 2e-4);
  check("decode block: keys written into the cache", K, rK, NULL, (size_t)B * cap * C, 2e-6, 1e-5);
  check("decode block: values written into the cache", V, rV, NULL, (size_t)B * cap * C, 2e-6, 1e-5);
  for (int i = 0; i < 12; i++) free(w[i]);
  free(x); free(y); free(K); free(V); free(xd); free(h); free(qkv); free(att); free(x1); free(hid); free(ry); free(rK); free(rV); free(scratch);
}

// The training block (block_forward, block_backward): the forward against decode_block with no cached
// prefix, bit for bit (the same routines in the same order; decode_block is checked against the reference
// above), and against a reference block in double; the gradients as directional derivatives of
// L = sum(y * r), each against the reference's central difference in double, for x and each weight.
static void ref_block_train(const double* x, double* const* w, int B, int T, int C, int nh, const float* bias, double* y) {
  int N = B * T, C3 = 3 * C, hs = C / nh;
  double *h = dbuf((size_t)N * C), *qkv = dbuf((size_t)N * C3), *att = dbuf((size_t)N * C), *x1 = dbuf((size_t)N * C);
  double* hid = dbuf((size_t)N * 4 * C);
  double sc[512];
#define LIN_(in_, W_, b_, K_, O_, out_)                                                          \
  for (int i = 0; i < N; i++)                                                                    \
    for (int j = 0; j < (O_); j++) {                                                             \
      double s_ = (b_)[j];                                                                       \
      for (int k = 0; k < (K_); k++) s_ += (in_)[(size_t)i * (K_) + k] * (W_)[(size_t)k * (O_) + j]; \
      (out_)[(size_t)i * (O_) + j] = s_;                                                         \
    }
#define LN_(in_, g_, b_, out_)                                                                   \
  for (int i = 0; i < N; i++) {                                                                  \
    double m_ = 0, v_ = 0;                                                                       \
    for (int j = 0; j < C; j++) m_ += (in_)[(size_t)i * C + j];                                  \
    m_ /= C;                                                                                     \
    for (int j = 0; j < C; j++) v_ += ((in_)[(size_t)i * C + j] - m_) * ((in_)[(size_t)i * C + j] - m_); \
    double r_ = 1.0 / sqrt(v_ / C + 1e-5);                                                       \
    for (int j = 0; j < C; j++) (out_)[(size_t)i * C + j] = ((in_)[(size_t)i * C + j] - m_) * r_ * (g_)[j] + (b_)[j]; \
  }
  LN_(x, w[0], w[1], h);
  LIN_(h, w[2], w[3], C, C3, qkv);
  for (int b = 0; b < B; b++)
    for (int hh = 0; hh < nh; hh++)
      for (int i = 0; i < T; i++) {
        const double* q = qkv + ((size_t)b * T + i) * C3 + hh * hs;
        double mx = -1e300, sum = 0;
        for (int j = 0; j <= i; j++) {
          const double* k = qkv + ((size_t)b * T + j) * C3 + C + hh * hs;
          double s = 0;
          for (int d = 0; d < hs; d++) s += q[d] * k[d];
          sc[j] = s / sqrt((double)hs) + (bias ? bias[((size_t)b * T + i) * T + j] : 0.0);
          if (sc[j] > mx) mx = sc[j];
        }
        for (int j = 0; j <= i; j++) { sc[j] = exp(sc[j] - mx); sum += sc[j]; }
        for (int d = 0; d < hs; d++) {
          double s = 0;
          for (int j = 0; j <= i; j++) s += sc[j] / sum * qkv[((size_t)b * T + j) * C3 + 2 * C + hh * hs + d];
          att[((size_t)b * T + i) * C + hh * hs + d] = s;
        }
      }
  LIN_(att, w[4], w[5], C, C, h);
  for (int i = 0; i < N * C; i++) x1[i] = x[i] + h[i];
  LN_(x1, w[6], w[7], h);
  LIN_(h, w[8], w[9], C, 4 * C, hid);
  for (int i = 0; i < N * 4 * C; i++) { double v = hid[i]; hid[i] = 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))); }
  LIN_(hid, w[10], w[11], 4 * C, C, h);
  for (int i = 0; i < N * C; i++) y[i] = x1[i] + h[i];
#undef LIN_
#undef LN_
  free(h); free(qkv); free(att); free(x1); free(hid);
}

static void check_training_block(int B, int T, int C, int nh, int with_bias) {
  int N = B * T, C3 = 3 * C;
  int sizes[13] = { N * C, C, C, C * C3, C3, C * C, C, C, C, C * 4 * C, 4 * C, 4 * C * C, C }; // x, then the 12 weights
  float* in[13];
  for (int i = 0; i < 13; i++) {
    in[i] = fbuf(sizes[i]);
    if (i == 1 || i == 7) for (int j = 0; j < C; j++) in[i][j] = 1.0f + 0.1f * in[i][j];
    else if (i > 0) for (int j = 0; j < sizes[i]; j++) in[i][j] *= 0.2f;
  }
  float* bias = NULL;
  if (with_bias) {
    bias = fbuf((size_t)B * T * T);
    for (int i = 0; i < B * T * T; i++) bias[i] = (i % 5 == 2 && i % T != (i / T) % T) ? -1e9f : 0.0f;
  }
  float* y = fbuf((size_t)N * C);
  float* saved = fbuf((size_t)block_saved_floats(B, T, C, nh));
  float* scratch = sbuf((size_t)block_scratch_floats(B, T, C, nh) + 16);
  block_forward(in[0], y, saved, B, T, C, nh, 1e-5f, bias, with_bias ? T * T : 0, 0, scratch,
                in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8], in[9], in[10], in[11], in[12]);
  char what[96];
  if (!with_bias) {
    float* y2 = fbuf((size_t)N * C);
    float *K = fbuf((size_t)B * T * C), *V = fbuf((size_t)B * T * C);
    float* ds = sbuf((size_t)decode_block_scratch_floats(B, T, T, C, nh) + 16);
    decode_block(in[0], y2, K, V, B, T, 0, T, C, nh, 1e-5f, NULL, 0, ds,
                 in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8], in[9], in[10], in[11], in[12]);
    snprintf(what, sizeof what, "training block forward = decode block B=%d T=%d C=%d nh=%d", B, T, C, nh);
    check_bits(what, y, y2, (size_t)N * C);
    free(y2); free(K); free(V); free(ds);
  }
  double* dv[13];
  for (int i = 0; i < 13; i++) { dv[i] = dbuf(sizes[i]); for (int j = 0; j < sizes[i]; j++) dv[i][j] = in[i][j]; }
  double* ry = dbuf((size_t)N * C);
  ref_block_train(dv[0], dv + 1, B, T, C, nh, bias, ry);
  snprintf(what, sizeof what, "training block forward B=%d T=%d C=%d nh=%d%s", B, T, C, nh, with_bias ? " bias" : "");
  check(what, y, ry, NULL, (size_t)N * C, 2e-5, 2e-4);
  // gradients of L = sum(y * r)
  float* r = fbuf((size_t)N * C);
  float* g[13];
  for (int i = 0; i < 13; i++) g[i] = fbuf(sizes[i]);
  block_backward(in[0], saved, r, g[0], B, T, C, nh, scratch, in[1], in[3], in[5], in[7], in[9], in[11],
                 g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12]);
  static const char* names[13] = { "x", "ln_1 gain", "ln_1 bias", "c_attn W", "c_attn b", "c_proj W", "c_proj b",
                                   "ln_2 gain", "ln_2 bias", "c_fc W", "c_fc b", "mlp c_proj W", "mlp c_proj b" };
  for (int i = 0; i < 13; i++) {
    double* dir = dbuf(sizes[i]);
    double got = 0, mass = 0, eps = 1e-4, lp = 0, lm = 0;
    for (int j = 0; j < sizes[i]; j++) { dir[j] = urand(); got += (double)g[i][j] * dir[j]; mass += fabs((double)g[i][j] * dir[j]); }
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      for (int j = 0; j < sizes[i]; j++) dv[i][j] = (double)in[i][j] + sgn * eps * dir[j];
      ref_block_train(dv[0], dv + 1, B, T, C, nh, bias, ry);
      double l = 0;
      for (int j = 0; j < N * C; j++) l += ry[j] * r[j];
      if (sgn < 0) lm = l; else lp = l;
    }
    for (int j = 0; j < sizes[i]; j++) dv[i][j] = in[i][j];
    double ref = (lp - lm) / (2 * eps);
    float gotf = (float)got;
    snprintf(what, sizeof what, "training block backward: d/d %s (directional)", names[i]);
    check(what, &gotf, &ref, &mass, 1, 1e-6, 2e-5);
    free(dir);
  }
  for (int i = 0; i < 13; i++) { free(in[i]); free(dv[i]); free(g[i]); }
  free(bias); free(y); free(saved); free(scratch); free(ry); free(r);
}

int main(void) {
#if defined(__aarch64__)
  const char* arch = "aarch64 (NEON)";
#elif defined(__AVX2__)
  const char* arch = "x86-64 (SSE4.1 mapping, AVX2 GELU)";
#else
  const char* arch = "x86-64 (SSE4.1)";
#endif
  printf("nanoinstruct kernel check: %s, %s\n", arch, blas_name());
#ifndef NANO_NO_BLAS
  set_blas_threads(1);
#endif
  hashing = 1;
  check_intrinsics();
  check_lanes();
  hashing = 0;
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      check_matmul(1, 1, 45, 300, ta, tb, 0, 0);   // generation: one row, B read in place, two depth blocks
      check_matmul(1, 3, 33, 17, ta, tb, 1, 0);    // few rows, partial column tile, accumulate
      check_matmul(1, 16, 70, 260, ta, tb, 0, 0);  // the last size of the few-row path
      check_matmul(1, 37, 29, 513, ta, tb, 0, 0);  // packed (or BLAS): partial tiles, three depth blocks
      check_matmul(2, 20, 264, 64, ta, tb, 1, 1);  // batch with A broadcast, two column blocks, accumulate
    }
  check_linear_colsum(5, 64, 192);
  check_linear_colsum(40, 128, 96);
  hashing = 1;
  check_layernorm(33, 128);
  check_layernorm(3, 7);
  check_xent(40, 97);
  check_xent(16, 512);
  check_misc();
  hashing = 0;
  check_adamw_lanes();
  check_attention(2, 3, 37, 8, 0, 0);
  check_attention(1, 2, 70, 16, 0, 0);
  check_attention(2, 2, 5, 8, 11, 1);
  check_attention(1, 4, 1, 32, 40, 0);
  check_attention(2, 4, 128, 32, 0, 0);  // the small config's heads: four row blocks of AB
  check_attention(1, 2, 45, 24, 0, 1);   // a partial row block, and a bias
  check_decode_block(2, 1, 9, 48, 4);
  check_decode_block(1, 6, 0, 32, 2);
  check_training_block(2, 13, 24, 3, 1);
  check_training_block(1, 9, 16, 2, 0);
  check_training_block(2, 40, 32, 2, 0);
  printf("digest of the outputs of every kernel but matmul: %016llx\n", digest);
  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
