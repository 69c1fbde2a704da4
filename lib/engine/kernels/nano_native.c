// nanoinstruct's kernels as a native Node addon (built at install by scripts/build-native.js, optional).
//
// The same kernel source as the wasm module (nano_kernels.c, with wasm SIMD mapped to SSE on x86-64 and
// to NEON on 64-bit ARM: wasm_simd_native.h), plus one change: a matmul with more than SMALL_M rows goes
// to the system BLAS (OpenBLAS's sgemm, AVX2 + FMA), about twice as fast on this kind of CPU as 128-bit
// wasm SIMD without FMA can be. Built with -DNANO_NO_BLAS where there is no OpenBLAS: those products then
// run the packed GEMM of nano_kernels.c with a fused multiply-add tile (micro_6x16_fma below on AVX2 +
// FMA, micro_6x8_fma with NEON on ARM). kernel_check.c tests these kernels without Node (on ARM under qemu). Tensors stay where TF.js-wasm
// keeps them: every function takes the wasm heap (an ArrayBuffer) first, and its pointer arguments are
// byte offsets into it, exactly as the wasm module's are. So TF.js's bookkeeping is unchanged and no tensor
// is ever copied; only where the arithmetic runs moves.
#define NANO_NATIVE 1
#ifndef NANO_NATIVE_NO_NAPI // the kernels alone (kernel_check.c, the C test harness, includes this file so)
#define NAPI_VERSION 8
#include <node_api.h>
#endif
#include <stdint.h>
#include <string.h>

#ifdef NANO_NO_BLAS
// Without a BLAS, products of more than SMALL_M rows run the wasm build's packed GEMM with this tile.
static int native_gemm(float* C, int ldc, const float* A, const float* B, int M, int N, int K,
                       int sam, int sak, int sbk, int sbn, int accumulate) {
  (void)C; (void)ldc; (void)A; (void)B; (void)M; (void)N; (void)K; (void)sam; (void)sak; (void)sbk; (void)sbn; (void)accumulate;
  return 0;
}
#if defined(__aarch64__)
static const char* blas_name(void) { return "no BLAS: own NEON+FMA GEMM"; }
#elif defined(__AVX2__) && defined(__FMA__)
static const char* blas_name(void) { return "no BLAS: own AVX2+FMA GEMM"; }
#else
static const char* blas_name(void) { return "no BLAS: own SSE4.1 GEMM"; }
#endif
#else
#include <cblas.h>
static const char* blas_name(void) { return openblas_get_config(); }
static void set_blas_threads(int n) { openblas_set_num_threads(n); }

// C[M, N] (row stride ldc) (+)= A . B, with A's (m, k) at A[m * sam + k * sak] and B's (k, n) at
// B[k * sbk + n * sbn]. Returns 0 when the strides are not a BLAS layout (the SIMD path then runs).
static int native_gemm(float* C, int ldc, const float* A, const float* B, int M, int N, int K,
                       int sam, int sak, int sbk, int sbn, int accumulate) {
  if (K == 0) return 0;
  enum CBLAS_TRANSPOSE ta, tb;
  int lda, ldb;
  if (sak == 1 && sam >= K) { ta = CblasNoTrans; lda = sam; }
  else if (sam == 1 && sak >= M) { ta = CblasTrans; lda = sak; }
  else return 0;
  if (sbn == 1 && sbk >= N) { tb = CblasNoTrans; ldb = sbk; }
  else if (sbk == 1 && sbn >= K) { tb = CblasTrans; ldb = sbn; }
  else return 0;
  cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, A, lda, B, ldb, accumulate ? 1.0f : 0.0f, C, ldc);
  return 1;
}
#endif

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
// The packed GEMM's tile on AVX2 + FMA is 6 x 16: each row of C is two 256-bit registers, 12 accumulators
// in all, fed per depth by two loads of B and six broadcasts of A (12 accumulators, 2 B vectors and one
// broadcast are 15 of the 16 ymm registers). The 6 x 8 tile it replaces loaded a value per FMA and ran the
// training step's products at 67-81 GFLOP/s against OpenBLAS's 92-102; this one at 80-98
// (`NANOINSTRUCT_NATIVE_ADDON=<a no-BLAS build> node --import tsx bench/step-bound.ts`).
#define NR 16
static void micro_6x16_fma(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), ai;
    ai = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(ai, b0, c00); c01 = _mm256_fmadd_ps(ai, b1, c01);
    ai = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(ai, b0, c10); c11 = _mm256_fmadd_ps(ai, b1, c11);
    ai = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(ai, b0, c20); c21 = _mm256_fmadd_ps(ai, b1, c21);
    ai = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(ai, b0, c30); c31 = _mm256_fmadd_ps(ai, b1, c31);
    ai = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(ai, b0, c40); c41 = _mm256_fmadd_ps(ai, b1, c41);
    ai = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(ai, b0, c50); c51 = _mm256_fmadd_ps(ai, b1, c51);
    a += 6;  // one depth of a 6-row panel
    b += 16; // one depth of a 16-column panel
  }
  __m256 r[6][2] = { { c00, c01 }, { c10, c11 }, { c20, c21 }, { c30, c31 }, { c40, c41 }, { c50, c51 } };
  for (int i = 0; i < 6; i++) {
    float* cr = c + (size_t)i * ldc;
    if (accumulate) { r[i][0] = _mm256_add_ps(r[i][0], _mm256_loadu_ps(cr)); r[i][1] = _mm256_add_ps(r[i][1], _mm256_loadu_ps(cr + 8)); }
    _mm256_storeu_ps(cr, r[i][0]);
    _mm256_storeu_ps(cr + 8, r[i][1]);
  }
}
#define NANO_NATIVE_MICRO micro_6x16_fma

// Few rows of A (generation) with a row-major B, on AVX2 + FMA: mr (1-4) rows by nv vectors of 8 columns
// per tile, up to 8 accumulators so that enough FMAs are in flight (one row takes 64 columns at a time).
// Each element is summed in k order within the depth block, as the 4-lane path does, but with fused
// multiply-adds: the native build's products were never the wasm build's bits (BLAS or this FMA tile).
#define PF_AHEAD 16
static inline __attribute__((always_inline)) void small_tile_fma(int mr, int nv, int kc, const float* a, int sam, int sak,
                                                                 const float* b, int sbk, float* c, int ldc, int acc) {
  __m256 s[4][8];
  for (int i = 0; i < mr; i++)
    for (int v = 0; v < nv; v++) s[i][v] = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++) {
    const float* bk = b + (size_t)k * sbk;
    // B's rows are far apart (a whole weight row), so the hardware prefetcher, which stops at 4 KB pages,
    // loses the stream: fetch the row PF_AHEAD depths ahead by hand, a cache line per 16 columns (2m config,
    // batch 8, cached generation: median 3,390 -> 3,865 tokens/s over 4 alternating runs of 7).
    for (int v = 0; v < nv; v += 2) _mm_prefetch((const char*)(bk + (size_t)PF_AHEAD * sbk + 8 * v), _MM_HINT_T0);
    __m256 bv[8];
    for (int v = 0; v < nv; v++) bv[v] = _mm256_loadu_ps(bk + 8 * v);
    for (int i = 0; i < mr; i++) {
      __m256 ai = _mm256_broadcast_ss(a + (size_t)i * sam + (size_t)k * sak);
      for (int v = 0; v < nv; v++) s[i][v] = _mm256_fmadd_ps(ai, bv[v], s[i][v]);
    }
  }
  for (int i = 0; i < mr; i++)
    for (int v = 0; v < nv; v++) {
      float* cr = c + (size_t)i * ldc + 8 * v;
      _mm256_storeu_ps(cr, acc ? _mm256_add_ps(s[i][v], _mm256_loadu_ps(cr)) : s[i][v]);
    }
}

// Tiles of mr rows by `wide` vectors of 8 columns from column n0 on, while they fit.
#define SMALL_TILES(mr, wide)                                                                      \
  for (; n0 + 8 * (wide) <= N; n0 += 8 * (wide)) small_tile_fma(mr, wide, kc, a, sam, sak, b + n0, sbk, c + n0, ldc, acc)

// Columns [n0, N) of C one at a time, each a chain of fused multiply-adds in k order: the tails of the two
// few-row paths below (B's (k, n) at b[k * sbk + n * sbn]).
static void small_cols_scalar(int mr, int n0, int N, int kc, const float* a, int sam, int sak, const float* b, int sbk,
                              int sbn, float* c, int ldc, int acc) {
  for (; n0 < N; n0++)
    for (int i = 0; i < mr; i++) {
      float x = 0.0f;
      for (int k = 0; k < kc; k++) x = __builtin_fmaf(a[(size_t)i * sam + (size_t)k * sak], b[(size_t)k * sbk + (size_t)n0 * sbn], x);
      float* cr = c + (size_t)i * ldc + n0;
      *cr = acc ? x + *cr : x;
    }
}

// The sum of the eight lanes of each of x[0..7], into one vector (lane j: the sum of x[j]'s lanes).
static inline __m256 hsum8x8(const __m256* x) {
  __m256 a = _mm256_hadd_ps(x[0], x[1]), b = _mm256_hadd_ps(x[2], x[3]);
  __m256 c = _mm256_hadd_ps(x[4], x[5]), d = _mm256_hadd_ps(x[6], x[7]);
  __m256 ab = _mm256_hadd_ps(a, b), cd = _mm256_hadd_ps(c, d); // lanes: x0..x3 low halves, x0..x3 high halves
  __m256 lo = _mm256_permute2f128_ps(ab, cd, 0x20), hi = _mm256_permute2f128_ps(ab, cd, 0x31);
  return _mm256_add_ps(lo, hi);
}

// Few rows of A against a transposed B whose columns lie along k (attention's q k^T in generation, the
// tied head's h wte^T), A's rows along k too: each of 8 columns a dot product eight depths at a time,
// one row at a time, the eight partial sums added across lanes at the end, then the last depths.
static void small_rows_dot(int mr, int N, int kc, const float* a, int sam, const float* b, int sbn, float* c, int ldc, int acc) {
  int k8 = kc & ~7, n0 = 0;
  for (; n0 + 8 <= N; n0 += 8) {
    for (int i = 0; i < mr; i++) {
      const float* ai = a + (size_t)i * sam;
      __m256 s[8];
      for (int j = 0; j < 8; j++) s[j] = _mm256_setzero_ps();
      for (int k = 0; k < k8; k += 8) {
        __m256 x = _mm256_loadu_ps(ai + k);
        for (int j = 0; j < 8; j++) s[j] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + (size_t)(n0 + j) * sbn + k), s[j]);
      }
      __m256 r = hsum8x8(s);
      float out[8];
      _mm256_storeu_ps(out, r);
      float* cr = c + (size_t)i * ldc + n0;
      for (int j = 0; j < 8; j++) {
        float x = out[j];
        for (int k = k8; k < kc; k++) x = __builtin_fmaf(ai[k], b[(size_t)(n0 + j) * sbn + k], x);
        cr[j] = acc ? x + cr[j] : x;
      }
    }
  }
  small_cols_scalar(mr, n0, N, kc, a, sam, 1, b, 1, sbn, c, ldc, acc);
}

// Returns 0 (the 4-lane path runs) unless B is row-major, or B transposed and A's rows contiguous.
static int small_rows_fma(int mr, int N, int kc, const float* a, int sam, int sak, const float* b, int sbk, int sbn,
                          float* c, int ldc, int acc) {
  if (sbk == 1 && sak == 1 && sbn != 1) {
    small_rows_dot(mr, N, kc, a, sam, b, sbn, c, ldc, acc);
    return 1;
  }
  if (sbn != 1) return 0;
  int n0 = 0;
  switch (mr) { // as many accumulators (up to 8) as the columns allow
    case 1: SMALL_TILES(1, 8); SMALL_TILES(1, 4); SMALL_TILES(1, 2); SMALL_TILES(1, 1); break;
    case 2: SMALL_TILES(2, 4); SMALL_TILES(2, 2); SMALL_TILES(2, 1); break;
    case 3: SMALL_TILES(3, 2); SMALL_TILES(3, 1); break;
    default: SMALL_TILES(4, 2); SMALL_TILES(4, 1); break;
  }
  small_cols_scalar(mr, n0, N, kc, a, sam, sak, b, sbk, 1, c, ldc, acc); // the last columns, in the same order
  return 1;
}
#undef SMALL_TILES
#define NANO_NATIVE_SMALL_ROWS small_rows_fma
#elif defined(__aarch64__)
#include <arm_neon.h>
// The same 6 x 8 tile on 64-bit ARM: each row of the tile is two 128-bit registers (12 accumulators, as
// many FMAs in flight as the loop has rows), A's six values come in as one vector and a half, and each
// product is a fused multiply-add by lane.
static void micro_6x8_fma(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  float32x4_t c00 = vdupq_n_f32(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  float32x4_t c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int k = 0; k < kc; k++) {
    float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4);
    float32x4_t a03 = vld1q_f32(a);
    float32x2_t a45 = vld1_f32(a + 4);
    c00 = vfmaq_laneq_f32(c00, b0, a03, 0); c01 = vfmaq_laneq_f32(c01, b1, a03, 0);
    c10 = vfmaq_laneq_f32(c10, b0, a03, 1); c11 = vfmaq_laneq_f32(c11, b1, a03, 1);
    c20 = vfmaq_laneq_f32(c20, b0, a03, 2); c21 = vfmaq_laneq_f32(c21, b1, a03, 2);
    c30 = vfmaq_laneq_f32(c30, b0, a03, 3); c31 = vfmaq_laneq_f32(c31, b1, a03, 3);
    c40 = vfmaq_lane_f32(c40, b0, a45, 0);  c41 = vfmaq_lane_f32(c41, b1, a45, 0);
    c50 = vfmaq_lane_f32(c50, b0, a45, 1);  c51 = vfmaq_lane_f32(c51, b1, a45, 1);
    a += 6;
    b += 8;
  }
  float32x4_t r[6][2] = { { c00, c01 }, { c10, c11 }, { c20, c21 }, { c30, c31 }, { c40, c41 }, { c50, c51 } };
  for (int i = 0; i < 6; i++) {
    float* cr = c + (size_t)i * ldc;
    if (accumulate) { r[i][0] = vaddq_f32(r[i][0], vld1q_f32(cr)); r[i][1] = vaddq_f32(r[i][1], vld1q_f32(cr + 4)); }
    vst1q_f32(cr, r[i][0]);
    vst1q_f32(cr + 4, r[i][1]);
  }
}
#define NANO_NATIVE_MICRO micro_6x8_fma
#endif

#if defined(__AVX2__)
#define NANO_GELU_WIDE 1 // nano_kernels.c calls gelu_forward_t_wide and exp_shifted_wide (defined below)
#endif
#include "nano_kernels.c"

#if defined(__AVX2__)
// GELU eight lanes at a time: nano_expf4 / nano_tanhf4 / gelu_* of nano_kernels.c with 256-bit registers,
// operation for operation (no FMA), so every lane still equals the scalar code bit for bit. The 4-lane
// and scalar code finish the tail.
static inline __m256 splat8(float x) { return _mm256_set1_ps(x); }

static inline __m256 nano_expf8(__m256 x) {
  __m256 under = _mm256_cmp_ps(x, splat8(-87.3f), _CMP_LT_OQ);
  x = _mm256_min_ps(splat8(88.7f), x); // pmin(x, 88.7)
  __m256 n = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(x, splat8(1.44269504089f)), splat8(0.5f)));
  __m256 r = _mm256_sub_ps(_mm256_sub_ps(x, _mm256_mul_ps(n, splat8(0.693145751953125f))),
                           _mm256_mul_ps(n, splat8(1.428606765330187e-06f)));
#define HORNER8_(c, q) _mm256_add_ps(splat8(c), _mm256_mul_ps(r, q))
  __m256 p = HORNER8_(0.0013888889f, splat8(0.00019841270f));
  p = HORNER8_(0.008333334f, p);
  p = HORNER8_(0.041666668f, p);
  p = HORNER8_(0.16666667f, p);
  p = HORNER8_(0.5f, p);
  p = HORNER8_(1.0f, p);
  p = HORNER8_(1.0f, p);
#undef HORNER8_
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

static inline __m256 nano_tanhf8(__m256 u) {
  __m256 one = splat8(1.0f);
  __m256 t = _mm256_sub_ps(one, _mm256_div_ps(splat8(2.0f), _mm256_add_ps(nano_expf8(_mm256_mul_ps(splat8(2.0f), u)), one)));
  __m256 tiny = _mm256_and_ps(_mm256_cmp_ps(u, splat8(-0.0004f), _CMP_GT_OQ), _mm256_cmp_ps(u, splat8(0.0004f), _CMP_LT_OQ));
  t = _mm256_blendv_ps(t, u, tiny);
  t = _mm256_blendv_ps(t, one, _mm256_cmp_ps(u, splat8(9.0f), _CMP_GT_OQ));
  return _mm256_blendv_ps(t, splat8(-1.0f), _mm256_cmp_ps(u, splat8(-9.0f), _CMP_LT_OQ));
}

static void gelu_forward_wide(const float* x, int n, float* y) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 cube = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(splat8(GELU_C), v), v), v);
    __m256 t = nano_tanhf8(_mm256_mul_ps(splat8(GELU_K), _mm256_add_ps(v, cube)));
    _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(splat8(0.5f), v), _mm256_add_ps(splat8(1.0f), t)));
  }
  gelu_forward(x + i, n - i, y + i);
}

static void gelu_backward_wide(const float* x, const float* dy, int n, float* dx) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i), one = splat8(1.0f), half = splat8(0.5f);
    __m256 cube = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(splat8(GELU_C), v), v), v);
    __m256 t = nano_tanhf8(_mm256_mul_ps(splat8(GELU_K), _mm256_add_ps(v, cube)));
    __m256 slope = _mm256_add_ps(one, _mm256_mul_ps(_mm256_mul_ps(splat8(3.0f * GELU_C), v), v));
    __m256 d = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_sub_ps(one, _mm256_mul_ps(t, t))),
                                           splat8(GELU_K)), slope);
    d = _mm256_add_ps(_mm256_mul_ps(half, _mm256_add_ps(one, t)), d);
    _mm256_storeu_ps(dx + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), d));
  }
  gelu_backward(x + i, dy + i, n - i, dx + i);
}
// exp_shifted (nano_kernels.c: attention's softmax) eight lanes wide; n is a multiple of 4.
static void exp_shifted_wide(float* row, int n, float mx) {
  __m256 vm = splat8(mx);
  int j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(row + j, nano_expf8(_mm256_sub_ps(_mm256_loadu_ps(row + j), vm)));
  exp_shifted(row + j, n - j, mx);
}

// gelu_forward_t (nano_kernels.c) eight lanes wide, for the training block.
static void gelu_forward_t_wide(const float* x, int n, float* y, float* tk) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 cube = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(splat8(GELU_C), v), v), v);
    __m256 t = nano_tanhf8(_mm256_mul_ps(splat8(GELU_K), _mm256_add_ps(v, cube)));
    _mm256_storeu_ps(tk + i, t);
    _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(splat8(0.5f), v), _mm256_add_ps(splat8(1.0f), t)));
  }
  gelu_forward_t(x + i, n - i, y + i, tk + i);
}
#define GELU_FORWARD gelu_forward_wide
#define GELU_BACKWARD gelu_backward_wide

// AdamW eight lanes at a time: each lane does adamw_update's operations in its order (multiplies, adds, a
// square root and a division, each correctly rounded; no FMA), so every parameter and moment equals the
// scalar loop's bit for bit; the scalar loop finishes the tail. It runs on the main thread between steps,
// while every replica waits: the scalar loop (a sqrtf and a division per parameter) took ~2 ms of it.
static void adamw_update_wide(float* p, const float* g, float* m, float* v, int n, float lr, float beta1, float beta2,
                              float eps, float wd, float bias_correction1, float bias_correction2, float gscale) {
  float decay = 1.0f - lr * wd;
  float step = lr / bias_correction1;
  float rbc2 = 1.0f / __builtin_sqrtf(bias_correction2);
  __m256 vdecay = splat8(decay), vstep = splat8(step), vrbc2 = splat8(rbc2), veps = splat8(eps), vgs = splat8(gscale);
  __m256 vb1 = splat8(beta1), vb1c = splat8(1.0f - beta1), vb2 = splat8(beta2), vb2c = splat8(1.0f - beta2);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 gi = _mm256_mul_ps(_mm256_loadu_ps(g + i), vgs);
    __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(vb1c, gi));
    __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(vb2c, gi), gi));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    __m256 den = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), vrbc2), veps);
    _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_mul_ps(_mm256_loadu_ps(p + i), vdecay), _mm256_div_ps(_mm256_mul_ps(vstep, mi), den)));
  }
  adamw_update(p + i, g + i, m + i, v + i, n - i, lr, beta1, beta2, eps, wd, bias_correction1, bias_correction2, gscale);
}
#define ADAMW_UPDATE adamw_update_wide
#else
#define ADAMW_UPDATE adamw_update
#define GELU_FORWARD gelu_forward
#define GELU_BACKWARD gelu_backward
#endif

#ifndef NANO_NATIVE_NO_NAPI
// ---------------------------------------------------------------------------------------------------
// N-API glue: f(heap, ...args). A pointer argument is a byte offset into heap (0 is NULL), checked to lie
// inside it; ints and floats are plain numbers.

#define MAX_ARGS 32

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  char* heap;
  size_t heap_bytes;
  int failed;
} Call;

static int fail(Call* c, const char* msg) {
  if (!c->failed) napi_throw_error(c->env, "NANO_NATIVE", msg);
  c->failed = 1;
  return 0;
}

static int begin(Call* c, napi_env env, napi_callback_info info, size_t want) {
  size_t argc = MAX_ARGS;
  c->env = env;
  c->failed = 0;
  if (napi_get_cb_info(env, info, &argc, c->argv, NULL, NULL) != napi_ok) return fail(c, "bad call");
  if (argc != want + 1) return fail(c, "nano_native: wrong number of arguments");
  void* data = NULL;
  if (napi_get_arraybuffer_info(env, c->argv[0], &data, &c->heap_bytes) != napi_ok || data == NULL)
    return fail(c, "nano_native: the first argument must be the wasm heap (an ArrayBuffer)");
  c->heap = (char*)data;
  return 1;
}

static int arg_i(Call* c, int i) {
  int32_t v = 0;
  if (napi_get_value_int32(c->env, c->argv[i + 1], &v) != napi_ok) fail(c, "nano_native: expected an integer");
  return v;
}

static float arg_f(Call* c, int i) {
  double v = 0;
  if (napi_get_value_double(c->env, c->argv[i + 1], &v) != napi_ok) fail(c, "nano_native: expected a number");
  return (float)v;
}

static void* arg_p(Call* c, int i) {
  uint32_t off = 0;
  if (napi_get_value_uint32(c->env, c->argv[i + 1], &off) != napi_ok) { fail(c, "nano_native: expected an offset"); return NULL; }
  if (off == 0) return NULL;
  if (off >= c->heap_bytes) { fail(c, "nano_native: offset outside the wasm heap"); return NULL; }
  return c->heap + off;
}

static napi_value num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

// Each wrapper reads its arguments first and calls the kernel only when all of them were valid.
#define KERNEL(name, n, ...)                                                                      \
  static napi_value w_##name(napi_env env, napi_callback_info info) {                              \
    Call c_;                                                                                       \
    Call* c = &c_;                                                                                 \
    if (!begin(c, env, info, n)) return NULL;                                                      \
    __VA_ARGS__                                                                                    \
    return NULL;                                                                                   \
  }
#define RUN(...) do { if (!c->failed) { __VA_ARGS__; } } while (0)

KERNEL(matmul, 15, {
  float* C = arg_p(c, 0); const float* A = arg_p(c, 1); const float* B = arg_p(c, 2);
  int batch = arg_i(c, 3), M = arg_i(c, 4), N = arg_i(c, 5), K = arg_i(c, 6), sab = arg_i(c, 7), sam = arg_i(c, 8), sak = arg_i(c, 9);
  int sbb = arg_i(c, 10), sbk = arg_i(c, 11), sbn = arg_i(c, 12), acc = arg_i(c, 13); float* s = arg_p(c, 14);
  RUN(nano_matmul(C, A, B, batch, M, N, K, sab, sam, sak, sbb, sbk, sbn, acc, s));
})
KERNEL(xent_forward, 6, {
  const float* l = arg_p(c, 0); const int* y = arg_p(c, 1); int N = arg_i(c, 2), V = arg_i(c, 3), ig = arg_i(c, 4); float* out = arg_p(c, 5);
  RUN(xent_forward(l, y, N, V, ig, out));
})
KERNEL(xent_backward, 7, {
  const float* l = arg_p(c, 0); const int* y = arg_p(c, 1); const float* d = arg_p(c, 2);
  int N = arg_i(c, 3), V = arg_i(c, 4), ig = arg_i(c, 5); float* out = arg_p(c, 6);
  RUN(xent_backward(l, y, d, N, V, ig, out));
})
KERNEL(segment_sum, 6, {
  const float* x = arg_p(c, 0); const int* ids = arg_p(c, 1); int n = arg_i(c, 2), inner = arg_i(c, 3), ns = arg_i(c, 4); float* out = arg_p(c, 5);
  RUN(segment_sum(x, ids, n, inner, ns, out));
})
KERNEL(linear_forward, 8, {
  const float* x = arg_p(c, 0); const float* W = arg_p(c, 1); const float* b = arg_p(c, 2);
  int N = arg_i(c, 3), in = arg_i(c, 4), out = arg_i(c, 5); float* y = arg_p(c, 6); float* s = arg_p(c, 7);
  RUN(linear_forward(x, W, b, N, in, out, y, s));
})
KERNEL(col_sum, 4, {
  const float* x = arg_p(c, 0); int N = arg_i(c, 1), C = arg_i(c, 2); float* out = arg_p(c, 3);
  RUN(col_sum(x, N, C, out));
})
KERNEL(gelu_forward, 3, {
  const float* x = arg_p(c, 0); int n = arg_i(c, 1); float* y = arg_p(c, 2);
  RUN(GELU_FORWARD(x, n, y));
})
KERNEL(gelu_backward, 4, {
  const float* x = arg_p(c, 0); const float* dy = arg_p(c, 1); int n = arg_i(c, 2); float* dx = arg_p(c, 3);
  RUN(GELU_BACKWARD(x, dy, n, dx));
})
KERNEL(layernorm_forward, 9, {
  const float* x = arg_p(c, 0); const float* g = arg_p(c, 1); const float* b = arg_p(c, 2); int N = arg_i(c, 3), C = arg_i(c, 4);
  float eps = arg_f(c, 5); float* y = arg_p(c, 6); float* mean = arg_p(c, 7); float* rstd = arg_p(c, 8);
  RUN(layernorm_forward(x, g, b, N, C, eps, y, mean, rstd));
})
KERNEL(layernorm_backward, 10, {
  const float* x = arg_p(c, 0); const float* g = arg_p(c, 1); const float* mean = arg_p(c, 2); const float* rstd = arg_p(c, 3);
  const float* dy = arg_p(c, 4); int N = arg_i(c, 5), C = arg_i(c, 6); float* dx = arg_p(c, 7); float* dg = arg_p(c, 8); float* db = arg_p(c, 9);
  RUN(layernorm_backward(x, g, mean, rstd, dy, N, C, dx, dg, db));
})
KERNEL(adamw_update, 13, {
  float* p = arg_p(c, 0); const float* g = arg_p(c, 1); float* m = arg_p(c, 2); float* v = arg_p(c, 3); int n = arg_i(c, 4);
  float lr = arg_f(c, 5), b1 = arg_f(c, 6), b2 = arg_f(c, 7), eps = arg_f(c, 8), wd = arg_f(c, 9), bc1 = arg_f(c, 10), bc2 = arg_f(c, 11), gs = arg_f(c, 12);
  RUN(ADAMW_UPDATE(p, g, m, v, n, lr, b1, b2, eps, wd, bc1, bc2, gs));
})
KERNEL(attention_forward, 27, {
  const float* q = arg_p(c, 0); const float* k = arg_p(c, 1); const float* v = arg_p(c, 2); float* y = arg_p(c, 3); float* Pr = arg_p(c, 4);
  int a[17];
  for (int i = 0; i < 17; i++) a[i] = arg_i(c, 5 + i);
  const float* bias = arg_p(c, 22); int bb = arg_i(c, 23), bh = arg_i(c, 24); float scale = arg_f(c, 25); float* s = arg_p(c, 26);
  RUN(attention_forward(q, k, v, y, Pr, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
                        a[13], a[14], a[15], a[16], bias, bb, bh, scale, s));
})
KERNEL(attention_backward, 27, {
  const float* q = arg_p(c, 0); const float* k = arg_p(c, 1); const float* v = arg_p(c, 2); const float* Pr = arg_p(c, 3);
  const float* dy = arg_p(c, 4); float* dq = arg_p(c, 5); float* dk = arg_p(c, 6); float* dv = arg_p(c, 7);
  int a[17];
  for (int i = 0; i < 17; i++) a[i] = arg_i(c, 8 + i);
  float scale = arg_f(c, 25); float* s = arg_p(c, 26);
  RUN(attention_backward(q, k, v, Pr, dy, dq, dk, dv, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
                         a[10], a[11], a[12], a[13], a[14], a[15], a[16], scale, s));
})
KERNEL(copy_rows, 9, {
  float* dst = arg_p(c, 0); int dbs = arg_i(c, 1), drs = arg_i(c, 2); const float* src = arg_p(c, 3);
  int sbs = arg_i(c, 4), srs = arg_i(c, 5), B = arg_i(c, 6), rows = arg_i(c, 7), cols = arg_i(c, 8);
  RUN(copy_rows(dst, dbs, drs, src, sbs, srs, B, rows, cols));
})
KERNEL(embed, 9, {
  float* out = arg_p(c, 0); const float* wte = arg_p(c, 1); const float* wpe = arg_p(c, 2); const int* ids = arg_p(c, 3);
  const int* pos = arg_p(c, 4); int start = arg_i(c, 5), n = arg_i(c, 6), T = arg_i(c, 7), C = arg_i(c, 8);
  RUN(embed(out, wte, wpe, ids, pos, start, n, T, C));
})
KERNEL(decode_block, 26, {
  const float* x = arg_p(c, 0); float* y = arg_p(c, 1); float* K = arg_p(c, 2); float* V = arg_p(c, 3);
  int B = arg_i(c, 4), T = arg_i(c, 5), past = arg_i(c, 6), cap = arg_i(c, 7), C = arg_i(c, 8), nh = arg_i(c, 9); float eps = arg_f(c, 10);
  const float* bias = arg_p(c, 11); int bb = arg_i(c, 12); float* s = arg_p(c, 13);
  const float* w[12];
  for (int i = 0; i < 12; i++) w[i] = arg_p(c, 14 + i);
  RUN(decode_block(x, y, K, V, B, T, past, cap, C, nh, eps, bias, bb, s,
                   w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11]));
})
KERNEL(block_forward, 24, {
  const float* x = arg_p(c, 0); float* y = arg_p(c, 1); float* sv = arg_p(c, 2);
  int B = arg_i(c, 3), T = arg_i(c, 4), C = arg_i(c, 5), nh = arg_i(c, 6); float eps = arg_f(c, 7);
  const float* bias = arg_p(c, 8); int bb = arg_i(c, 9), bh = arg_i(c, 10); float* s = arg_p(c, 11);
  const float* w[12];
  for (int i = 0; i < 12; i++) w[i] = arg_p(c, 12 + i);
  RUN(block_forward(x, y, sv, B, T, C, nh, eps, bias, bb, bh, s,
                    w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11]));
})
KERNEL(block_backward, 27, {
  const float* x = arg_p(c, 0); const float* sv = arg_p(c, 1); const float* dy = arg_p(c, 2); float* dx = arg_p(c, 3);
  int B = arg_i(c, 4), T = arg_i(c, 5), C = arg_i(c, 6), nh = arg_i(c, 7); float* s = arg_p(c, 8);
  const float* w[6];
  float* d[12];
  for (int i = 0; i < 6; i++) w[i] = arg_p(c, 9 + i);
  for (int i = 0; i < 12; i++) d[i] = arg_p(c, 15 + i);
  RUN(block_backward(x, sv, dy, dx, B, T, C, nh, s, w[0], w[1], w[2], w[3], w[4], w[5],
                     d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]));
})

// Functions that return a number.
static napi_value w_sum_squares(napi_env env, napi_callback_info info) {
  Call c_; Call* c = &c_;
  if (!begin(c, env, info, 2)) return NULL;
  const float* x = arg_p(c, 0); int n = arg_i(c, 1);
  return c->failed ? NULL : num(env, sum_squares(x, n));
}
#define SIZE_FN(name, n, ...)                                                                     \
  static napi_value w_##name(napi_env env, napi_callback_info info) {                              \
    Call c_; Call* c = &c_;                                                                        \
    if (!begin(c, env, info, n)) return NULL;                                                      \
    int r = __VA_ARGS__;                                                                               \
    return c->failed ? NULL : num(env, r);                                                         \
  }
SIZE_FN(matmul_scratch_floats, 2, matmul_scratch_floats(arg_i(c, 0), arg_i(c, 1)))
SIZE_FN(attention_scratch_floats, 3, attention_scratch_floats(arg_i(c, 0), arg_i(c, 1), arg_i(c, 2)))
SIZE_FN(decode_block_scratch_floats, 5, decode_block_scratch_floats(arg_i(c, 0), arg_i(c, 1), arg_i(c, 2), arg_i(c, 3), arg_i(c, 4)))
SIZE_FN(block_saved_floats, 4, block_saved_floats(arg_i(c, 0), arg_i(c, 1), arg_i(c, 2), arg_i(c, 3)))
SIZE_FN(block_scratch_floats, 4, block_scratch_floats(arg_i(c, 0), arg_i(c, 1), arg_i(c, 2), arg_i(c, 3)))

static napi_value w_blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  const char* cfg = blas_name();
  napi_create_string_utf8(env, cfg ? cfg : "BLAS", NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  // One BLAS thread: nanoinstruct already runs one model replica per core (worker threads), and OpenBLAS's
  // own threads would fight them for the same cores.
#ifndef NANO_NO_BLAS
  set_blas_threads(1);
#endif
  napi_property_descriptor fns[] = {
#define FN(name) { #name, NULL, w_##name, NULL, NULL, NULL, napi_enumerable, NULL }
    FN(matmul), FN(matmul_scratch_floats), FN(xent_forward), FN(xent_backward), FN(segment_sum),
    FN(linear_forward), FN(col_sum), FN(gelu_forward), FN(gelu_backward), FN(layernorm_forward),
    FN(layernorm_backward), FN(sum_squares), FN(adamw_update), FN(attention_scratch_floats),
    FN(attention_forward), FN(attention_backward), FN(copy_rows), FN(embed), FN(decode_block_scratch_floats),
    FN(decode_block), FN(block_saved_floats), FN(block_scratch_floats), FN(block_forward), FN(block_backward),
    FN(blas_info),
#undef FN
  };
  napi_define_properties(env, exports, sizeof(fns) / sizeof(fns[0]), fns);
  return exports;
}
#endif // NANO_NATIVE_NO_NAPI
