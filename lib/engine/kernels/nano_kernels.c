// nanoinstruct's WebAssembly SIMD kernels.
//
// Built into nano_kernels.wasm by scripts/build-kernels.sh (clang --target=wasm32 -msimd128). The module
// IMPORTS the memory of TF.js's wasm backend, so kernels read and write tensors in place: every pointer
// here is an offset into that heap. Hence the rules for this file: no global or static data (it would be
// placed over TF.js's heap) and no large locals (the shadow stack is a small region the host allocates).
// Scratch space for packing comes from the caller.

#include <wasm_simd128.h>

typedef __SIZE_TYPE__ size_t;

#define MR 6   // rows of C per micro-tile
#define NR 8   // columns of C per micro-tile (two f32x4 vectors)
#define KC 256 // depth of one packed block: an Ap panel (MR x KC) and a Bp panel (KC x NR) fit in L1
#define NC 256 // columns of B per L2-resident block (a multiple of NR)
#define NCP (NC + NR) // row stride of the row buffer: not a multiple of 4 KB

static inline int min_i(int a, int b) { return a < b ? a : b; }

// Packs rows [0, M) x depths [k0, k0 + kc) of A into MR-row panels: Ap[panel][k][MR], zero-padded.
// A's element (m, k) is at A[m * sam + k * sak], so a transposed A is only a different pair of strides.
static void pack_a(float* Ap, const float* A, int M, int k0, int kc, int sam, int sak) {
  for (int m0 = 0; m0 < M; m0 += MR) {
    int mr = min_i(MR, M - m0);
    for (int k = 0; k < kc; k++) {
      const float* src = A + (size_t)m0 * sam + (size_t)(k0 + k) * sak;
      int i = 0;
      for (; i < mr; i++) Ap[i] = src[(size_t)i * sam];
      for (; i < MR; i++) Ap[i] = 0.0f;
      Ap += MR;
    }
  }
}

// Packs depths [k0, k0 + kc) x columns [0, N) of B into NR-column panels: Bp[panel][k][NR], zero-padded.
static void pack_b(float* Bp, const float* B, int N, int k0, int kc, int sbk, int sbn) {
  for (int n0 = 0; n0 < N; n0 += NR) {
    int nr = min_i(NR, N - n0);
    if (nr == NR && sbn == 1) {
      for (int k = 0; k < kc; k++) {
        const float* src = B + (size_t)(k0 + k) * sbk + n0;
        wasm_v128_store(Bp, wasm_v128_load(src));
        wasm_v128_store(Bp + 4, wasm_v128_load(src + 4));
        Bp += NR;
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float* src = B + (size_t)(k0 + k) * sbk + (size_t)n0 * sbn;
        int j = 0;
        for (; j < nr; j++) Bp[j] = src[(size_t)j * sbn];
        for (; j < NR; j++) Bp[j] = 0.0f;
        Bp += NR;
      }
    }
  }
}

// C tile (MR x NR, row stride ldc) = or += Ap panel . Bp panel over kc depths.
static void micro_6x8(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  v128_t c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma clang loop unroll_count(4)
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a + 0);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
    v128_t a4 = wasm_v128_load32_splat(a + 4);
    c40 = wasm_f32x4_add(c40, wasm_f32x4_mul(a4, b0)); c41 = wasm_f32x4_add(c41, wasm_f32x4_mul(a4, b1));
    v128_t a5 = wasm_v128_load32_splat(a + 5);
    c50 = wasm_f32x4_add(c50, wasm_f32x4_mul(a5, b0)); c51 = wasm_f32x4_add(c51, wasm_f32x4_mul(a5, b1));
    a += MR;
    b += NR;
  }
#define STORE_ROW(r, x0, x1)                                                                       \
  do {                                                                                             \
    float* cr = c + (size_t)(r) * ldc;                                                             \
    if (accumulate) {                                                                              \
      x0 = wasm_f32x4_add(x0, wasm_v128_load(cr));                                                 \
      x1 = wasm_f32x4_add(x1, wasm_v128_load(cr + 4));                                             \
    }                                                                                              \
    wasm_v128_store(cr, x0);                                                                       \
    wasm_v128_store(cr + 4, x1);                                                                   \
  } while (0)
  STORE_ROW(0, c00, c01); STORE_ROW(1, c10, c11); STORE_ROW(2, c20, c21);
  STORE_ROW(3, c30, c31); STORE_ROW(4, c40, c41); STORE_ROW(5, c50, c51);
#undef STORE_ROW
}

// Scratch floats that matmul needs for given M, N (see nano_matmul).
__attribute__((export_name("matmul_scratch_floats")))
int matmul_scratch_floats(int M, int N) {
  int mp = (M + MR - 1) / MR, np = (N + NR - 1) / NR;
  return mp * MR * KC + np * NR * KC + MR * NCP;
}

// C[M, N] (+)= A . B for `batch` matrices, where
//   A's (m, k) is A[b * sab + m * sam + k * sak], B's (k, n) is B[b * sbb + k * sbk + n * sbn],
//   C is row-major with batch stride M * N. A batch stride of 0 broadcasts that operand.
// Transposes are strides, so every transpose combination runs the same packed SIMD micro-kernel.
// One matrix: C[M, N] (row stride ldc) (+)= A . B with A and B given by strides as above.
static void gemm(float* C, int ldc, const float* A, const float* B, int M, int N, int K,
                 int sam, int sak, int sbk, int sbn, int accumulate, float* scratch) {
  int mp = (M + MR - 1) / MR;
  float* Ap = scratch;
  float* Bp = Ap + (size_t)mp * MR * KC;
  float* rowbuf = Bp + (size_t)((N + NR - 1) / NR) * NR * KC;
  const float* Ab = A;
  const float* Bb = B;
  float* Cb = C;
  {
    if (K == 0 && !accumulate) {
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) Cb[(size_t)i * ldc + j] = 0.0f;
      return;
    }
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = min_i(KC, K - k0);
      int acc = accumulate || k0 > 0;
      pack_b(Bp, Bb, N, k0, kc, sbk, sbn);
      pack_a(Ap, Ab, M, k0, kc, sam, sak);
      // Blocks of NC columns of packed B stay in L2; each packed A panel (L1) sweeps one block, writing
      // into a small row buffer with a padded stride that is copied to C afterwards. Writing C tiles
      // directly thrashes one L1 set when C's row stride is a multiple of 4 KB (N = 1024, 2048...).
      for (int nb = 0; nb < N; nb += NC) {
        int nend = min_i(N, nb + NC), ncols = nend - nb;
        for (int m0 = 0; m0 < M; m0 += MR) {
          int mr = min_i(MR, M - m0);
          const float* apan = Ap + (size_t)(m0 / MR) * MR * kc;
          float* ct = Cb + (size_t)m0 * ldc + nb;
          if (acc) {
            for (int i = 0; i < mr; i++)
              for (int j = 0; j < ncols; j++) rowbuf[i * NCP + j] = ct[(size_t)i * ldc + j];
          }
          for (int n0 = nb; n0 < nend; n0 += NR) {
            const float* bpan = Bp + (size_t)(n0 / NR) * NR * kc;
            micro_6x8(kc, apan, bpan, rowbuf + (n0 - nb), NCP, acc);
          }
          for (int i = 0; i < mr; i++) {
            float* dst = ct + (size_t)i * ldc;
            const float* src = rowbuf + i * NCP;
            int j = 0;
            for (; j + 4 <= ncols; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
            for (; j < ncols; j++) dst[j] = src[j];
          }
        }
      }
    }
  }
}

__attribute__((export_name("matmul")))
void nano_matmul(float* C, const float* A, const float* B, int batch, int M, int N, int K,
                 int sab, int sam, int sak, int sbb, int sbk, int sbn, int accumulate, float* scratch) {
  for (int bi = 0; bi < batch; bi++)
    gemm(C + (size_t)bi * M * N, N, A + (size_t)bi * sab, B + (size_t)bi * sbb, M, N, K, sam, sak, sbk, sbn,
         accumulate, scratch);
}

// ---------------------------------------------------------------------------------------------------
// Math without libm: exp and log accurate to a few ulp, enough for softmax and cross-entropy.

static inline float bits_to_float(unsigned int u) { union { unsigned int u; float f; } v = { u }; return v.f; }
static inline unsigned int float_to_bits(float f) { union { float f; unsigned int u; } v = { f }; return v.u; }

static inline float nano_expf(float x) {
  if (x < -87.3f) return 0.0f;
  if (x > 88.7f) x = 88.7f;
  // x = n ln2 + r with |r| <= ln2 / 2; exp(r) by its Taylor polynomial (error < 2e-8 relative).
  float n = __builtin_floorf(x * 1.44269504089f + 0.5f);
  float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f +
            r * (0.0013888889f + r * 0.00019841270f))))));
  return p * bits_to_float((unsigned int)((int)n + 127) << 23);
}

static inline float nano_logf(float x) {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1).
  unsigned int u = float_to_bits(x);
  int e = (int)((u >> 23) & 255) - 127;
  float m = bits_to_float((u & 0x007fffff) | 0x3f800000);
  if (m > 1.41421356f) { m *= 0.5f; e += 1; }
  float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  float l = 2.0f * s * (1.0f + s2 * (0.33333333f + s2 * (0.2f + s2 * (0.14285714f + s2 * 0.11111111f))));
  return l + (float)e * 0.693147180559945f;
}

// ---------------------------------------------------------------------------------------------------
// Cross-entropy on int32 labels with an ignore index, fused with the softmax: never a one-hot target.

// loss[i] = logsumexp(logits[i, :]) - logits[i, labels[i]], or 0 where labels[i] == ignore_index.
__attribute__((export_name("xent_forward")))
void xent_forward(const float* logits, const int* labels, int N, int V, int ignore_index, float* loss) {
  for (int i = 0; i < N; i++) {
    const float* row = logits + (size_t)i * V;
    int y = labels[i];
    if (y == ignore_index || y < 0 || y >= V) { loss[i] = 0.0f; continue; }
    float mx = row[0];
    for (int j = 1; j < V; j++) mx = row[j] > mx ? row[j] : mx;
    float s = 0.0f;
    for (int j = 0; j < V; j++) s += nano_expf(row[j] - mx);
    loss[i] = nano_logf(s) + mx - row[y];
  }
}

// dlogits[i, :] = dloss[i] * (softmax(logits[i, :]) - onehot(labels[i])), or 0 for ignored rows.
__attribute__((export_name("xent_backward")))
void xent_backward(const float* logits, const int* labels, const float* dloss, int N, int V, int ignore_index,
                   float* dlogits) {
  for (int i = 0; i < N; i++) {
    const float* row = logits + (size_t)i * V;
    float* out = dlogits + (size_t)i * V;
    int y = labels[i];
    if (y == ignore_index || y < 0 || y >= V) {
      for (int j = 0; j < V; j++) out[j] = 0.0f;
      continue;
    }
    float mx = row[0];
    for (int j = 1; j < V; j++) mx = row[j] > mx ? row[j] : mx;
    float s = 0.0f;
    for (int j = 0; j < V; j++) { float e = nano_expf(row[j] - mx); out[j] = e; s += e; }
    float scale = dloss[i] / s;
    for (int j = 0; j < V; j++) out[j] *= scale;
    out[y] -= dloss[i];
  }
}

// out[segment_ids[i], :] += x[i, :] over rows of `inner` floats; out starts zeroed. Ids outside
// [0, num_segments) are dropped, as TensorFlow's UnsortedSegmentSum does. This is gather's gradient.
__attribute__((export_name("segment_sum")))
void segment_sum(const float* x, const int* segment_ids, int n, int inner, int num_segments, float* out) {
  for (size_t i = 0; i < (size_t)num_segments * inner; i++) out[i] = 0.0f;
  for (int i = 0; i < n; i++) {
    int s = segment_ids[i];
    if (s < 0 || s >= num_segments) continue;
    const float* src = x + (size_t)i * inner;
    float* dst = out + (size_t)s * inner;
    int j = 0;
    for (; j + 4 <= inner; j += 4) wasm_v128_store(dst + j, wasm_f32x4_add(wasm_v128_load(dst + j), wasm_v128_load(src + j)));
    for (; j < inner; j++) dst[j] += src[j];
  }
}

// ---------------------------------------------------------------------------------------------------
// Linear layers: y = x W + b, with the bias folded into the matmul's accumulator.

// y (N, out) = x (N, in) . W (in, out) + b (out).
__attribute__((export_name("linear_forward")))
void linear_forward(const float* x, const float* W, const float* b, int N, int in, int out, float* y, float* scratch) {
  for (int i = 0; i < N; i++) {
    float* row = y + (size_t)i * out;
    for (int j = 0; j < out; j++) row[j] = b[j];
  }
  gemm(y, out, x, W, N, out, in, in, 1, out, 1, 1, scratch);
}

// out (C) = sum over rows of x (N, C): the gradient of a bias.
__attribute__((export_name("col_sum")))
void col_sum(const float* x, int N, int C, float* out) {
  for (int j = 0; j < C; j++) out[j] = 0.0f;
  for (int i = 0; i < N; i++) {
    const float* row = x + (size_t)i * C;
    int j = 0;
    for (; j + 4 <= C; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < C; j++) out[j] += row[j];
  }
}

// ---------------------------------------------------------------------------------------------------
// GELU, tanh approximation: 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3).

static inline float nano_tanhf(float u) {
  // tanh u = 1 - 2 / (exp(2u) + 1), saturating where exp would overflow.
  if (u > 9.0f) return 1.0f;
  if (u < -9.0f) return -1.0f;
  if (u > -0.0004f && u < 0.0004f) return u;
  return 1.0f - 2.0f / (nano_expf(2.0f * u) + 1.0f);
}

#define GELU_K 0.7978845608028654f
#define GELU_C 0.044715f

__attribute__((export_name("gelu_forward")))
void gelu_forward(const float* x, int n, float* y) {
  for (int i = 0; i < n; i++) {
    float v = x[i];
    float t = nano_tanhf(GELU_K * (v + GELU_C * v * v * v));
    y[i] = 0.5f * v * (1.0f + t);
  }
}

// dx = dy * d/dx gelu(x) = dy * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2)).
__attribute__((export_name("gelu_backward")))
void gelu_backward(const float* x, const float* dy, int n, float* dx) {
  for (int i = 0; i < n; i++) {
    float v = x[i];
    float t = nano_tanhf(GELU_K * (v + GELU_C * v * v * v));
    float d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * GELU_K * (1.0f + 3.0f * GELU_C * v * v);
    dx[i] = dy[i] * d;
  }
}

// ---------------------------------------------------------------------------------------------------
// Layer normalization over rows of C, keeping each row's mean and 1/std for the backward pass.

static inline float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

__attribute__((export_name("layernorm_forward")))
void layernorm_forward(const float* x, const float* gamma, const float* beta, int N, int C, float eps, float* y,
                       float* mean, float* rstd) {
  for (int i = 0; i < N; i++) {
    const float* row = x + (size_t)i * C;
    float* out = y + (size_t)i * C;
    float s = 0.0f;
    for (int j = 0; j < C; j++) s += row[j];
    float m = s / (float)C;
    float v = 0.0f;
    for (int j = 0; j < C; j++) { float d = row[j] - m; v += d * d; }
    float r = 1.0f / __builtin_sqrtf(v / (float)C + eps);
    for (int j = 0; j < C; j++) out[j] = (row[j] - m) * r * gamma[j] + beta[j];
    mean[i] = m;
    rstd[i] = r;
  }
}

// dx, and dgamma/dbeta summed over rows (both start zeroed here).
__attribute__((export_name("layernorm_backward")))
void layernorm_backward(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                        int N, int C, float* dx, float* dgamma, float* dbeta) {
  for (int j = 0; j < C; j++) { dgamma[j] = 0.0f; dbeta[j] = 0.0f; }
  for (int i = 0; i < N; i++) {
    const float* row = x + (size_t)i * C;
    const float* g = dy + (size_t)i * C;
    float* out = dx + (size_t)i * C;
    float m = mean[i], r = rstd[i];
    // xhat = (x - m) r; dxhat = dy gamma; dx = r (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
    float sum_dxhat = 0.0f, sum_dxhat_xhat = 0.0f;
    for (int j = 0; j < C; j++) {
      float xhat = (row[j] - m) * r;
      float dxhat = g[j] * gamma[j];
      sum_dxhat += dxhat;
      sum_dxhat_xhat += dxhat * xhat;
      dgamma[j] += g[j] * xhat;
      dbeta[j] += g[j];
    }
    float a = sum_dxhat / (float)C, b = sum_dxhat_xhat / (float)C;
    for (int j = 0; j < C; j++) {
      float xhat = (row[j] - m) * r;
      out[j] = r * (g[j] * gamma[j] - a - xhat * b);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Causal self-attention for one call, all heads, reading q, k, v where they lie (no transposes).
//
// Layouts are strides: element (b, h, t, d) of q is q[b * qb + h * qh + t * qt + d]; likewise k, v, y
// (y is the output, dy its gradient). T queries follow `past` earlier keys; S = past + T keys.
// `bias` (optional, may be 0) is added to the scores: element (b, h, i, j) at bias[b * bb + h * bh + i * S + j].
// P (B, nh, T, S) receives the attention probabilities, kept for the backward pass.

__attribute__((export_name("attention_scratch_floats")))
int attention_scratch_floats(int T, int S, int hs) {
  int n = S > T ? S : T;
  int m = n > hs ? n : hs;
  return matmul_scratch_floats(m, m) + T * S;
}

__attribute__((export_name("attention_forward")))
void attention_forward(const float* q, const float* k, const float* v, float* y, float* P,
                       int B, int nh, int T, int past, int hs,
                       int qb, int qh, int qt, int kb, int kh, int kt, int vb, int vh, int vt,
                       int yb, int yh, int yt, const float* bias, int bb, int bh, float scale, float* scratch) {
  int S = past + T;
  for (int b = 0; b < B; b++) {
    for (int h = 0; h < nh; h++) {
      float* Pbh = P + ((size_t)b * nh + h) * T * S;
      const float* qbh = q + (size_t)b * qb + (size_t)h * qh;
      const float* kbh = k + (size_t)b * kb + (size_t)h * kh;
      const float* vbh = v + (size_t)b * vb + (size_t)h * vh;
      // scores (T, S) = q (T, hs) . k^T (hs, S)
      gemm(Pbh, S, qbh, kbh, T, S, hs, qt, 1, 1, kt, 0, scratch);
      const float* bbh = bias ? bias + (size_t)b * bb + (size_t)h * bh : 0;
      for (int i = 0; i < T; i++) {
        float* row = Pbh + (size_t)i * S;
        int last = past + i; // keys after this one are in the future
        float mx = -3.0e38f;
        for (int j = 0; j <= last; j++) {
          float s = row[j] * scale + (bbh ? bbh[(size_t)i * S + j] : 0.0f);
          row[j] = s;
          mx = s > mx ? s : mx;
        }
        float sum = 0.0f;
        for (int j = 0; j <= last; j++) { float e = nano_expf(row[j] - mx); row[j] = e; sum += e; }
        float inv = 1.0f / sum;
        for (int j = 0; j <= last; j++) row[j] *= inv;
        for (int j = last + 1; j < S; j++) row[j] = 0.0f;
      }
      // y (T, hs) = P (T, S) . v (S, hs), written at y's strides
      gemm(y + (size_t)b * yb + (size_t)h * yh, yt, Pbh, vbh, T, hs, S, S, 1, vt, 1, 0, scratch);
    }
  }
}

// Gradients of attention_forward with respect to q, k and v (written at dq/dk/dv's strides, which
// follow q/k/v's). dS = P * (dP - rowsum(dP * P)) * scale with dP = dy . v^T.
__attribute__((export_name("attention_backward")))
void attention_backward(const float* q, const float* k, const float* v, const float* P, const float* dy,
                        float* dq, float* dk, float* dv, int B, int nh, int T, int past, int hs,
                        int qb, int qh, int qt, int kb, int kh, int kt, int vb, int vh, int vt,
                        int yb, int yh, int yt, float scale, float* scratch) {
  int S = past + T;
  float* dS = scratch;
  float* mm = scratch + (size_t)T * S;
  for (int b = 0; b < B; b++) {
    for (int h = 0; h < nh; h++) {
      const float* Pbh = P + ((size_t)b * nh + h) * T * S;
      const float* dybh = dy + (size_t)b * yb + (size_t)h * yh;
      size_t qo = (size_t)b * qb + (size_t)h * qh, ko = (size_t)b * kb + (size_t)h * kh, vo = (size_t)b * vb + (size_t)h * vh;
      // dv (S, hs) = P^T (S, T) . dy (T, hs)
      gemm(dv + vo, vt, Pbh, dybh, S, hs, T, 1, S, yt, 1, 0, mm);
      // dP (T, S) = dy (T, hs) . v^T (hs, S)
      gemm(dS, S, dybh, v + vo, T, S, hs, yt, 1, 1, vt, 0, mm);
      for (int i = 0; i < T; i++) {
        const float* p = Pbh + (size_t)i * S;
        float* d = dS + (size_t)i * S;
        float dot = 0.0f;
        for (int j = 0; j < S; j++) dot += p[j] * d[j];
        for (int j = 0; j < S; j++) d[j] = p[j] * (d[j] - dot) * scale;
      }
      // dq (T, hs) = dS (T, S) . k (S, hs);  dk (S, hs) = dS^T (S, T) . q (T, hs)
      gemm(dq + qo, qt, dS, k + ko, T, hs, S, S, 1, kt, 1, 0, mm);
      gemm(dk + ko, kt, dS, q + qo, S, hs, T, 1, S, qt, 1, 0, mm);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The optimizer, in place: one pass over each parameter instead of a dozen elementwise kernels.

// Sum of squares of x (n), in double so a global gradient norm does not drift with size.
__attribute__((export_name("sum_squares")))
double sum_squares(const float* x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += (double)x[i] * (double)x[i];
  return s;
}

// AdamW (decoupled weight decay, as torch.optim.AdamW): g is scaled by gscale (gradient clipping and
// loss normalization), then p *= 1 - lr wd; m, v updated; p -= lr mhat / (sqrt(vhat) + eps).
__attribute__((export_name("adamw_update")))
void adamw_update(float* p, const float* g, float* m, float* v, int n, float lr, float beta1, float beta2,
                  float eps, float wd, float bias_correction1, float bias_correction2, float gscale) {
  float decay = 1.0f - lr * wd;
  float step = lr / bias_correction1;
  float rbc2 = 1.0f / __builtin_sqrtf(bias_correction2);
  for (int i = 0; i < n; i++) {
    float gi = g[i] * gscale;
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - step * mi / (__builtin_sqrtf(vi) * rbc2 + eps);
  }
}
