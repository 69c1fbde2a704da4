// nanoinstruct's WebAssembly SIMD kernels.
//
// Built into nano_kernels.wasm by scripts/build-kernels.sh (clang --target=wasm32 -msimd128). The module
// IMPORTS the memory of TF.js's wasm backend, so kernels read and write tensors in place: every pointer
// here is an offset into that heap. Hence the rules for this file: no global or static data (it would be
// placed over TF.js's heap) and no large locals (the shadow stack is a small region the host allocates).
// Scratch space for packing comes from the caller.

#ifdef NANO_NATIVE
#include "wasm_simd_native.h" // the native build (nano_native.c): same source, SSE or NEON in place of wasm SIMD
#else
#include <wasm_simd128.h>
#endif

// s + a * b, four lanes: the matmuls' multiply-accumulate. Two roundings (a multiply, then an add) in the
// standard build, which is what keeps every kernel's bits the same on wasm and in the native build. The
// relaxed-SIMD build (nano_kernels_relaxed.wasm, clang 16 with -mrelaxed-simd -DNANO_RELAXED_SIMD; used
// where the runtime validates it) makes it f32x4.relaxed_madd: a fused multiply-add where the CPU has one
// (one rounding), a multiply and an add where it does not. It is the only difference between the builds.
#ifdef NANO_RELAXED_SIMD
#define MADD4(s, a, b) __builtin_wasm_relaxed_madd_f32x4((a), (b), (s))
#else
#define MADD4(s, a, b) wasm_f32x4_add((s), wasm_f32x4_mul((a), (b)))
#endif

typedef __SIZE_TYPE__ size_t;

#ifdef NANO_NATIVE
#define MR 6   // rows of C per micro-tile
#else
// The wasm module's tile is 4 x 8 (micro_4x8): V8's TurboFan schedules a tile's loads ahead of its arithmetic
// and has 15 SIMD registers on x64, so 4 x 8 (8 accumulators, 2 B vectors, 4 A splats, one product) is the
// largest tile that never spills; the 6 x 8 tile spilled a third of its accumulators on every step
// (bench/gemm-relaxed.ts --std A.wasm --relaxed B.wasm times two builds side by side; docs/PERFORMANCE.md).
#define MR 4
#endif
#ifndef NR     // the native AVX2 build widens its tile to 16 columns (nano_native.c)
#define NR 8   // columns of C per micro-tile (two f32x4 vectors)
#endif
#define KC 256 // depth of one packed block: an Ap panel (MR x KC) and a Bp panel (KC x NR) fit in L1
#define NC 256 // columns of B per L2-resident block (a multiple of NR)
#define NCP (NC + NR) // row stride of the row buffer: not a multiple of 4 KB

static inline int min_i(int a, int b) { return a < b ? a : b; }

// Transposes four rows of four floats: on return ri holds what was column i.
#define TRANSPOSE4(r0, r1, r2, r3)                                                                 \
  do {                                                                                             \
    v128_t t0_ = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1_ = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5); \
    v128_t t2_ = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3_ = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); \
    r0 = wasm_i32x4_shuffle(t0_, t1_, 0, 1, 4, 5); r1 = wasm_i32x4_shuffle(t0_, t1_, 2, 3, 6, 7);     \
    r2 = wasm_i32x4_shuffle(t2_, t3_, 0, 1, 4, 5); r3 = wasm_i32x4_shuffle(t2_, t3_, 2, 3, 6, 7);     \
  } while (0)

// Packs rows [0, M) x depths [k0, k0 + kc) of A into MR-row panels: Ap[panel][k][MR], zero-padded.
// A's element (m, k) is at A[m * sam + k * sak], so a transposed A is only a different pair of strides.
// Packing only copies, so the fast paths below change no result; without them packing A is M x K scalar
// moves, a few percent of a training step's products at K = 128.
static void pack_a(float* Ap, const float* A, int M, int k0, int kc, int sam, int sak) {
  for (int m0 = 0; m0 < M; m0 += MR) {
    int mr = min_i(MR, M - m0), k = 0;
    if (mr == MR && MR == 6 && sak == 1) {
      // A's rows lie along k (the forward's x W, and x W^T): four depths of all six rows at a time, rows
      // 0-3 through a 4 x 4 transpose into the panel's first four floats, rows 4-5 as two floats.
      const float* a0 = A + (size_t)m0 * sam + k0;
      for (; k + 4 <= kc; k += 4) {
        v128_t r0 = wasm_v128_load(a0 + k), r1 = wasm_v128_load(a0 + sam + k);
        v128_t r2 = wasm_v128_load(a0 + 2 * (size_t)sam + k), r3 = wasm_v128_load(a0 + 3 * (size_t)sam + k);
        const float* r4 = a0 + 4 * (size_t)sam + k;
        const float* r5 = a0 + 5 * (size_t)sam + k;
        TRANSPOSE4(r0, r1, r2, r3);
        wasm_v128_store(Ap, r0);      Ap[4] = r4[0];  Ap[5] = r5[0];
        wasm_v128_store(Ap + 6, r1);  Ap[10] = r4[1]; Ap[11] = r5[1];
        wasm_v128_store(Ap + 12, r2); Ap[16] = r4[2]; Ap[17] = r5[2];
        wasm_v128_store(Ap + 18, r3); Ap[22] = r4[3]; Ap[23] = r5[3];
        Ap += 4 * MR;
      }
    } else if (mr == MR && MR == 4 && sak == 1) {
      // The wasm build's 4-row panels: four depths of the four rows at a time, one 4 x 4 transpose.
      const float* a0 = A + (size_t)m0 * sam + k0;
      for (; k + 4 <= kc; k += 4) {
        v128_t r0 = wasm_v128_load(a0 + k), r1 = wasm_v128_load(a0 + sam + k);
        v128_t r2 = wasm_v128_load(a0 + 2 * (size_t)sam + k), r3 = wasm_v128_load(a0 + 3 * (size_t)sam + k);
        TRANSPOSE4(r0, r1, r2, r3);
        wasm_v128_store(Ap, r0);
        wasm_v128_store(Ap + 4, r1);
        wasm_v128_store(Ap + 8, r2);
        wasm_v128_store(Ap + 12, r3);
        Ap += 4 * MR;
      }
    }
    for (; k < kc; k++) {
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
        for (int j = 0; j < NR; j += 4) wasm_v128_store(Bp + j, wasm_v128_load(src + j));
        Bp += NR;
      }
    } else {
      int k = 0;
      if (nr == NR && sbk == 1) {
        // B transposed (its columns lie along k: the gradients' dy W^T, the tied head's h wte^T): four
        // depths of four columns at a time through a 4 x 4 transpose.
        for (; k + 4 <= kc; k += 4) {
          for (int j = 0; j < NR; j += 4) {
            const float* src = B + (size_t)(k0 + k) + (size_t)(n0 + j) * sbn;
            v128_t c0 = wasm_v128_load(src), c1 = wasm_v128_load(src + sbn);
            v128_t c2 = wasm_v128_load(src + 2 * (size_t)sbn), c3 = wasm_v128_load(src + 3 * (size_t)sbn);
            TRANSPOSE4(c0, c1, c2, c3);
            wasm_v128_store(Bp + j, c0);
            wasm_v128_store(Bp + NR + j, c1);
            wasm_v128_store(Bp + 2 * NR + j, c2);
            wasm_v128_store(Bp + 3 * NR + j, c3);
          }
          Bp += 4 * NR;
        }
      }
      for (; k < kc; k++) {
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

// Stores row r of a tile from its two vectors (added to C's row when accumulating).
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

#ifdef NANO_NATIVE
static void micro_6x8(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  v128_t c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma clang loop unroll_count(4)
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a + 0);
    c00 = MADD4(c00, a0, b0); c01 = MADD4(c01, a0, b1);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    c10 = MADD4(c10, a1, b0); c11 = MADD4(c11, a1, b1);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    c20 = MADD4(c20, a2, b0); c21 = MADD4(c21, a2, b1);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    c30 = MADD4(c30, a3, b0); c31 = MADD4(c31, a3, b1);
    v128_t a4 = wasm_v128_load32_splat(a + 4);
    c40 = MADD4(c40, a4, b0); c41 = MADD4(c41, a4, b1);
    v128_t a5 = wasm_v128_load32_splat(a + 5);
    c50 = MADD4(c50, a5, b0); c51 = MADD4(c51, a5, b1);
    a += MR;
    b += NR;
  }
  STORE_ROW(0, c00, c01); STORE_ROW(1, c10, c11); STORE_ROW(2, c20, c21);
  STORE_ROW(3, c30, c31); STORE_ROW(4, c40, c41); STORE_ROW(5, c50, c51);
}
#else
// The wasm tile, 4 x 8. Not unrolled here: V8 unrolls the loop itself, with an exit test between the copies
// that keeps each copy's loads next to their arithmetic; clang's unrolled body let V8 hoist the loads of
// several depths together and spill. Each element of C is summed in the same order as in any tile shape
// (one accumulator, depths in order from 0, then added to C), so the bits are those of the 6 x 8 tile.
static void micro_4x8(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float* bend = b + (size_t)kc * NR; // the loop tests a pointer, not a count: one instruction less per depth
#pragma clang loop unroll(disable)
  while (b != bend) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a + 0);
    c00 = MADD4(c00, a0, b0); c01 = MADD4(c01, a0, b1);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    c10 = MADD4(c10, a1, b0); c11 = MADD4(c11, a1, b1);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    c20 = MADD4(c20, a2, b0); c21 = MADD4(c21, a2, b1);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    c30 = MADD4(c30, a3, b0); c31 = MADD4(c31, a3, b1);
    a += MR;
    b += NR;
  }
  STORE_ROW(0, c00, c01); STORE_ROW(1, c10, c11); STORE_ROW(2, c20, c21); STORE_ROW(3, c30, c31);
}
#endif
#undef STORE_ROW

// ---------------------------------------------------------------------------------------------------
// Few rows of A (generation: one new token per sequence). Packing would copy all of B (a whole weight
// matrix) to multiply it by a handful of rows, so B is read where it lies instead. Every element of C is
// summed in exactly the packed path's order (KC-deep blocks, each summed from 0 in k order, then added
// to C), with the same multiply-accumulate (MADD4), so the results are bitwise identical to it.

#ifndef SMALL_M
#define SMALL_M 16 // up to this many rows of A; beyond, packing B pays for itself (bench/gemm-small.ts)
#endif
#define SR 4       // rows of C per small tile

static inline v128_t splat_at(const float* p) { return wasm_v128_load32_splat(p); }
static inline v128_t madd(v128_t s, v128_t a, v128_t b) { return MADD4(s, a, b); }

// One step of depth k for up to SR rows and 8 columns: s[i] += A(i, k) * (b0, b1).
#define SMALL_STEP(ak, b0, b1)                                                                     \
  do {                                                                                             \
    v128_t a_ = splat_at(ak);                                                                      \
    s00 = madd(s00, a_, b0); s01 = madd(s01, a_, b1);                                              \
    if (mr > 1) { a_ = splat_at((ak) + sam); s10 = madd(s10, a_, b0); s11 = madd(s11, a_, b1); }     \
    if (mr > 2) { a_ = splat_at((ak) + 2 * sam); s20 = madd(s20, a_, b0); s21 = madd(s21, a_, b1); } \
    if (mr > 3) { a_ = splat_at((ak) + 3 * sam); s30 = madd(s30, a_, b0); s31 = madd(s31, a_, b1); } \
  } while (0)

// C rows [0, mr) x columns [0, nc) (nc <= 8) (+)= A (mr rows, kc deep) . B (kc x nc); mr is a constant
// at every call site, so the row tests fold away.
static inline __attribute__((always_inline)) void small_tile(int mr, int nc, int kc, const float* a, int sam, int sak,
                                                             const float* b, int sbk, int sbn, float* c, int ldc, int acc) {
  v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  int k = 0;
  if (nc == 8 && sbn == 1) {
    for (; k < kc; k++) {
      const float* bk = b + (size_t)k * sbk;
      v128_t b0 = wasm_v128_load(bk), b1 = wasm_v128_load(bk + 4);
      SMALL_STEP(a + (size_t)k * sak, b0, b1);
    }
  } else if (nc == 8 && sbk == 1) {
    // B transposed (columns contiguous in k): load 4 depths of 8 columns, transpose in registers.
    for (; k + 4 <= kc; k += 4) {
      v128_t r0 = wasm_v128_load(b + k), r1 = wasm_v128_load(b + sbn + k);
      v128_t r2 = wasm_v128_load(b + 2 * (size_t)sbn + k), r3 = wasm_v128_load(b + 3 * (size_t)sbn + k);
      v128_t r4 = wasm_v128_load(b + 4 * (size_t)sbn + k), r5 = wasm_v128_load(b + 5 * (size_t)sbn + k);
      v128_t r6 = wasm_v128_load(b + 6 * (size_t)sbn + k), r7 = wasm_v128_load(b + 7 * (size_t)sbn + k);
      TRANSPOSE4(r0, r1, r2, r3);
      TRANSPOSE4(r4, r5, r6, r7);
      const float* ak = a + (size_t)k * sak;
      SMALL_STEP(ak, r0, r4);
      SMALL_STEP(ak + sak, r1, r5);
      SMALL_STEP(ak + 2 * sak, r2, r6);
      SMALL_STEP(ak + 3 * sak, r3, r7);
    }
  }
  for (; k < kc; k++) { // any strides, and partial tiles (nc < 8; absent columns read as 0, never stored)
    float v[8];
    for (int j = 0; j < 8; j++) v[j] = j < nc ? b[(size_t)k * sbk + (size_t)j * sbn] : 0.0f;
    v128_t b0 = wasm_v128_load(v), b1 = wasm_v128_load(v + 4);
    SMALL_STEP(a + (size_t)k * sak, b0, b1);
  }
  v128_t rows[SR][2] = { { s00, s01 }, { s10, s11 }, { s20, s21 }, { s30, s31 } };
  for (int i = 0; i < mr; i++) {
    float* cr = c + (size_t)i * ldc;
    if (nc == 8) {
      v128_t x0 = rows[i][0], x1 = rows[i][1];
      if (acc) { x0 = wasm_f32x4_add(x0, wasm_v128_load(cr)); x1 = wasm_f32x4_add(x1, wasm_v128_load(cr + 4)); }
      wasm_v128_store(cr, x0);
      wasm_v128_store(cr + 4, x1);
    } else {
      float v[8];
      wasm_v128_store(v, rows[i][0]);
      wasm_v128_store(v + 4, rows[i][1]);
      for (int j = 0; j < nc; j++) cr[j] = acc ? v[j] + cr[j] : v[j];
    }
  }
}

// One row of C, 32 columns of a row-major B: 8 independent accumulators, so successive depths' adds
// overlap instead of waiting on each other (the 8-column tile has only 2 for a single row).
static void row_tile32(int kc, const float* a, int sak, const float* b, int sbk, float* c, int acc) {
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (int k = 0; k < kc; k++) {
    const float* bk = b + (size_t)k * sbk;
    v128_t x = splat_at(a + (size_t)k * sak);
    s0 = madd(s0, x, wasm_v128_load(bk));      s1 = madd(s1, x, wasm_v128_load(bk + 4));
    s2 = madd(s2, x, wasm_v128_load(bk + 8));  s3 = madd(s3, x, wasm_v128_load(bk + 12));
    s4 = madd(s4, x, wasm_v128_load(bk + 16)); s5 = madd(s5, x, wasm_v128_load(bk + 20));
    s6 = madd(s6, x, wasm_v128_load(bk + 24)); s7 = madd(s7, x, wasm_v128_load(bk + 28));
  }
  if (acc) {
    s0 = wasm_f32x4_add(s0, wasm_v128_load(c));      s1 = wasm_f32x4_add(s1, wasm_v128_load(c + 4));
    s2 = wasm_f32x4_add(s2, wasm_v128_load(c + 8));  s3 = wasm_f32x4_add(s3, wasm_v128_load(c + 12));
    s4 = wasm_f32x4_add(s4, wasm_v128_load(c + 16)); s5 = wasm_f32x4_add(s5, wasm_v128_load(c + 20));
    s6 = wasm_f32x4_add(s6, wasm_v128_load(c + 24)); s7 = wasm_f32x4_add(s7, wasm_v128_load(c + 28));
  }
  wasm_v128_store(c, s0);      wasm_v128_store(c + 4, s1);  wasm_v128_store(c + 8, s2);  wasm_v128_store(c + 12, s3);
  wasm_v128_store(c + 16, s4); wasm_v128_store(c + 20, s5); wasm_v128_store(c + 24, s6); wasm_v128_store(c + 28, s7);
}

static void small_rows(int mr, int N, int kc, const float* a, int sam, int sak, const float* b, int sbk, int sbn,
                       float* c, int ldc, int acc) {
#ifdef NANO_NATIVE_SMALL_ROWS
  // the native AVX2 build's fused multiply-add rows for a row-major B (nano_native.c)
  if (NANO_NATIVE_SMALL_ROWS(mr, N, kc, a, sam, sak, b, sbk, sbn, c, ldc, acc)) return;
#endif
  int n0 = 0;
  if (mr == 1 && sbn == 1)
    for (; n0 + 32 <= N; n0 += 32) row_tile32(kc, a, sak, b + n0, sbk, c + n0, acc);
  for (; n0 < N; n0 += 8) {
    int nc = min_i(8, N - n0);
    const float* bn = b + (size_t)n0 * sbn;
    float* cn = c + n0;
    if (nc == 8) {
      switch (mr) {
        case 1: small_tile(1, 8, kc, a, sam, sak, bn, sbk, sbn, cn, ldc, acc); break;
        case 2: small_tile(2, 8, kc, a, sam, sak, bn, sbk, sbn, cn, ldc, acc); break;
        case 3: small_tile(3, 8, kc, a, sam, sak, bn, sbk, sbn, cn, ldc, acc); break;
        default: small_tile(4, 8, kc, a, sam, sak, bn, sbk, sbn, cn, ldc, acc); break;
      }
    } else {
      small_tile(mr, nc, kc, a, sam, sak, bn, sbk, sbn, cn, ldc, acc); // a last, partial column tile
    }
  }
}

static void gemm_small(float* C, int ldc, const float* A, const float* B, int M, int N, int K,
                       int sam, int sak, int sbk, int sbn, int accumulate) {
  if (K == 0 && !accumulate) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] = 0.0f;
    return;
  }
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = min_i(KC, K - k0);
    int acc = accumulate || k0 > 0;
    for (int m0 = 0; m0 < M; m0 += SR)
      small_rows(min_i(SR, M - m0), N, kc, A + (size_t)m0 * sam + (size_t)k0 * sak, sam, sak,
                 B + (size_t)k0 * sbk, sbk, sbn, C + (size_t)m0 * ldc, ldc, acc);
  }
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
  if (M <= SMALL_M) {
    gemm_small(C, ldc, A, B, M, N, K, sam, sak, sbk, sbn, accumulate);
    return;
  }
#ifdef NANO_NATIVE
  if (native_gemm(C, ldc, A, B, M, N, K, sam, sak, sbk, sbn, accumulate)) return;
#endif
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
      // Blocks of NC columns of packed B stay in L2; each packed A panel (L1) sweeps one block. Whole
      // tiles are written straight into C, except when C's row stride is a multiple of 4 KB (N = 1024,
      // 2048...), where a tile's rows would all fall in one L1 set: those, and partial tiles, go through
      // a small row buffer with a padded stride that is copied to C afterwards. (The same arithmetic
      // either way; only where the tile is written differs.)
      for (int nb = 0; nb < N; nb += NC) {
        int nend = min_i(N, nb + NC), ncols = nend - nb;
        for (int m0 = 0; m0 < M; m0 += MR) {
          int mr = min_i(MR, M - m0);
          const float* apan = Ap + (size_t)(m0 / MR) * MR * kc;
          float* ct = Cb + (size_t)m0 * ldc + nb;
          if (mr == MR && ncols % NR == 0 && (ldc & 1023) != 0) {
            for (int n0 = nb; n0 < nend; n0 += NR) {
              const float* bpan = Bp + (size_t)(n0 / NR) * NR * kc;
#ifdef NANO_NATIVE_MICRO
              NANO_NATIVE_MICRO(kc, apan, bpan, ct + (n0 - nb), ldc, acc);
#elif defined(NANO_NATIVE)
              micro_6x8(kc, apan, bpan, ct + (n0 - nb), ldc, acc);
#else
              micro_4x8(kc, apan, bpan, ct + (n0 - nb), ldc, acc);
#endif
            }
            continue;
          }
          if (acc) {
            for (int i = 0; i < mr; i++)
              for (int j = 0; j < ncols; j++) rowbuf[i * NCP + j] = ct[(size_t)i * ldc + j];
          }
          for (int n0 = nb; n0 < nend; n0 += NR) {
            const float* bpan = Bp + (size_t)(n0 / NR) * NR * kc;
#ifdef NANO_NATIVE_MICRO
            NANO_NATIVE_MICRO(kc, apan, bpan, rowbuf + (n0 - nb), NCP, acc); // the native build's AVX2 + FMA tile
#elif defined(NANO_NATIVE)
            micro_6x8(kc, apan, bpan, rowbuf + (n0 - nb), NCP, acc);
#else
            micro_4x8(kc, apan, bpan, rowbuf + (n0 - nb), NCP, acc);
#endif
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

// nano_expf on four lanes, operation for operation, so each lane equals the scalar result bit for bit.
static inline v128_t nano_expf4(v128_t x) {
  v128_t under = wasm_f32x4_lt(x, wasm_f32x4_splat(-87.3f));
  x = wasm_f32x4_pmin(x, wasm_f32x4_splat(88.7f));
  v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504089f)), wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693145751953125f))),
                            wasm_f32x4_mul(n, wasm_f32x4_splat(1.428606765330187e-06f)));
  // Horner from the innermost term out, as the scalar expression nests: c + r * (...).
#define HORNER_(c, q) wasm_f32x4_add(wasm_f32x4_splat(c), wasm_f32x4_mul(r, q))
  v128_t p = HORNER_(0.0013888889f, wasm_f32x4_splat(0.00019841270f));
  p = HORNER_(0.008333334f, p);
  p = HORNER_(0.041666668f, p);
  p = HORNER_(0.16666667f, p);
  p = HORNER_(0.5f, p);
  p = HORNER_(1.0f, p);
  p = HORNER_(1.0f, p);
#undef HORNER_
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(wasm_f32x4_mul(p, e), under); // lanes below -87.3: 0
}

// Sums of many floats: four lanes, each summing every fourth element, then the lanes in order and the tail
// after them (the same order in every build). One element at a time, a sum is a chain of dependent adds.
static inline float lanes_sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}
static float sum4(const float* x, int n) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int j = 0;
  for (; j + 4 <= n; j += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(x + j));
  float s = lanes_sum(acc);
  for (; j < n; j++) s += x[j];
  return s;
}

// row[j] = nano_expf(row[j] - mx) for j < n (n a multiple of 4); the native AVX2 build does eight lanes at a
// time (exp_shifted_wide in nano_native.c), each lane equal to nano_expf bit for bit in both.
static void exp_shifted(float* row, int n, float mx) {
  v128_t vm = wasm_f32x4_splat(mx);
  int j = 0;
#ifndef NANO_NATIVE
  // Two vectors per iteration in the wasm build: one exp is a long chain of dependent operations, and V8's
  // code for one vector per iteration left the CPU waiting on it (the same operations in each lane).
  for (; j + 8 <= n; j += 8) {
    v128_t a = nano_expf4(wasm_f32x4_sub(wasm_v128_load(row + j), vm));
    v128_t b = nano_expf4(wasm_f32x4_sub(wasm_v128_load(row + j + 4), vm));
    wasm_v128_store(row + j, a);
    wasm_v128_store(row + j + 4, b);
  }
#endif
  for (; j < n; j += 4) wasm_v128_store(row + j, nano_expf4(wasm_f32x4_sub(wasm_v128_load(row + j), vm)));
}
#ifdef NANO_GELU_WIDE
static void exp_shifted_wide(float* row, int n, float mx);
#define EXP_SHIFTED exp_shifted_wide
#else
#define EXP_SHIFTED exp_shifted
#endif

// ---------------------------------------------------------------------------------------------------
// Cross-entropy on int32 labels with an ignore index, fused with the softmax: never a one-hot target.

// loss[i] = logsumexp(logits[i, :]) - logits[i, labels[i]], or 0 where labels[i] == ignore_index.
// The largest of x[0..n): exact in any order, so four lanes at a time.
static float row_max(const float* x, int n) {
  float mx = x[0];
  int j = 0;
  if (n >= 4) {
    v128_t vmx = wasm_v128_load(x);
    for (j = 4; j + 4 <= n; j += 4) vmx = wasm_f32x4_pmax(vmx, wasm_v128_load(x + j));
    for (int l = 0; l < 4; l++) { float m = wasm_f32x4_extract_lane(vmx, 0); mx = m > mx ? m : mx; vmx = wasm_i32x4_shuffle(vmx, vmx, 1, 2, 3, 0); }
  }
  for (; j < n; j++) mx = x[j] > mx ? x[j] : mx;
  return mx;
}

__attribute__((export_name("xent_forward")))
void xent_forward(const float* logits, const int* labels, int N, int V, int ignore_index, float* loss) {
  for (int i = 0; i < N; i++) {
    const float* row = logits + (size_t)i * V;
    int y = labels[i];
    if (y == ignore_index || y < 0 || y >= V) { loss[i] = 0.0f; continue; }
    float mx = row_max(row, V);
    // exps four lanes at a time (each lane equals nano_expf), summed as sum4 sums
    int j = 0;
    v128_t vm = wasm_f32x4_splat(mx), acc = wasm_f32x4_splat(0.0f);
    for (; j + 4 <= V; j += 4) acc = wasm_f32x4_add(acc, nano_expf4(wasm_f32x4_sub(wasm_v128_load(row + j), vm)));
    float s = lanes_sum(acc);
    for (; j < V; j++) s += nano_expf(row[j] - mx);
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
    float mx = row_max(row, V);
    int j = 0;
    v128_t vm = wasm_f32x4_splat(mx), acc = wasm_f32x4_splat(0.0f);
    for (; j + 4 <= V; j += 4) {
      v128_t e = nano_expf4(wasm_f32x4_sub(wasm_v128_load(row + j), vm));
      wasm_v128_store(out + j, e);
      acc = wasm_f32x4_add(acc, e);
    }
    float s = lanes_sum(acc);
    for (; j < V; j++) { float e = nano_expf(row[j] - mx); out[j] = e; s += e; }
    float scale = dloss[i] / s;
    v128_t vs = wasm_f32x4_splat(scale);
    for (j = 0; j + 4 <= V; j += 4) wasm_v128_store(out + j, wasm_f32x4_mul(wasm_v128_load(out + j), vs));
    for (; j < V; j++) out[j] *= scale;
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

// nano_tanhf on four lanes (bitwise equal to it): every case computed, then the scalar's choice selected.
static inline v128_t nano_tanhf4(v128_t u) {
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t t = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f),
                                                wasm_f32x4_add(nano_expf4(wasm_f32x4_mul(wasm_f32x4_splat(2.0f), u)), one)));
  v128_t tiny = wasm_v128_and(wasm_f32x4_gt(u, wasm_f32x4_splat(-0.0004f)), wasm_f32x4_lt(u, wasm_f32x4_splat(0.0004f)));
  t = wasm_v128_bitselect(u, t, tiny);
  t = wasm_v128_bitselect(one, t, wasm_f32x4_gt(u, wasm_f32x4_splat(9.0f)));
  return wasm_v128_bitselect(wasm_f32x4_splat(-1.0f), t, wasm_f32x4_lt(u, wasm_f32x4_splat(-9.0f)));
}

__attribute__((export_name("gelu_forward")))
void gelu_forward(const float* x, int n, float* y) {
  int i = 0;
#ifndef NANO_NATIVE
  for (; i + 8 <= n; i += 8) { // two vectors per iteration in the wasm build, as gelu_forward_t
    v128_t v = wasm_v128_load(x + i), w = wasm_v128_load(x + i + 4);
    v128_t cv = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), v), v), v);
    v128_t cw = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), w), w), w);
    v128_t tv = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(v, cv)));
    v128_t tw = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(w, cw)));
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), v), wasm_f32x4_add(wasm_f32x4_splat(1.0f), tv)));
    wasm_v128_store(y + i + 4, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), w), wasm_f32x4_add(wasm_f32x4_splat(1.0f), tw)));
  }
#endif
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t cube = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), v), v), v);
    v128_t t = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(v, cube)));
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), v), wasm_f32x4_add(wasm_f32x4_splat(1.0f), t)));
  }
  for (; i < n; i++) {
    float v = x[i];
    float t = nano_tanhf(GELU_K * (v + GELU_C * v * v * v));
    y[i] = 0.5f * v * (1.0f + t);
  }
}

// dx = dy * d/dx gelu(x) = dy * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2)).
__attribute__((export_name("gelu_backward")))
void gelu_backward(const float* x, const float* dy, int n, float* dx) {
  int i = 0;
  for (; i + 4 <= n; i += 4) { // the scalar loop's operations, in its order, four lanes at a time
    v128_t v = wasm_v128_load(x + i), one = wasm_f32x4_splat(1.0f), half = wasm_f32x4_splat(0.5f);
    v128_t cube = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), v), v), v);
    v128_t t = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(v, cube)));
    v128_t slope = wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(3.0f * GELU_C), v), v));
    v128_t d = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_sub(one, wasm_f32x4_mul(t, t))),
                                             wasm_f32x4_splat(GELU_K)), slope);
    d = wasm_f32x4_add(wasm_f32x4_mul(half, wasm_f32x4_add(one, t)), d);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), d));
  }
  for (; i < n; i++) {
    float v = x[i];
    float t = nano_tanhf(GELU_K * (v + GELU_C * v * v * v));
    float d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * GELU_K * (1.0f + 3.0f * GELU_C * v * v);
    dx[i] = dy[i] * d;
  }
}

// The training block's GELU: the forward keeps t = tanh(u) of every element, so that the backward pass
// needs no exp (and the block keeps t instead of the GELU's output, which it recomputes from t). Each
// value is computed by the same operations as gelu_forward / gelu_backward, so the bits are the same.
static void gelu_forward_t(const float* x, int n, float* y, float* tk) {
  int i = 0;
#ifndef NANO_NATIVE
  // Two vectors per iteration in the wasm build (as exp_shifted): gelu_forward's 1.66 -> 1.32 ms on
  // 524,288 floats (one vector per iteration, V8's code waited on the chain of each tanh).
  for (; i + 8 <= n; i += 8) {
    v128_t v = wasm_v128_load(x + i), w = wasm_v128_load(x + i + 4);
    v128_t cv = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), v), v), v);
    v128_t cw = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), w), w), w);
    v128_t tv = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(v, cv)));
    v128_t tw = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(w, cw)));
    wasm_v128_store(tk + i, tv);
    wasm_v128_store(tk + i + 4, tw);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), v), wasm_f32x4_add(wasm_f32x4_splat(1.0f), tv)));
    wasm_v128_store(y + i + 4, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), w), wasm_f32x4_add(wasm_f32x4_splat(1.0f), tw)));
  }
#endif
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t cube = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(GELU_C), v), v), v);
    v128_t t = nano_tanhf4(wasm_f32x4_mul(wasm_f32x4_splat(GELU_K), wasm_f32x4_add(v, cube)));
    wasm_v128_store(tk + i, t);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), v), wasm_f32x4_add(wasm_f32x4_splat(1.0f), t)));
  }
  for (; i < n; i++) {
    float v = x[i];
    float t = nano_tanhf(GELU_K * (v + GELU_C * v * v * v));
    tk[i] = t;
    y[i] = 0.5f * v * (1.0f + t);
  }
}

// y = gelu(x) from the kept t (elementwise, no exp; the compiler vectorizes it without reordering anything).
static void gelu_from_t(const float* x, const float* tk, int n, float* y) {
  for (int i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + tk[i]);
}

// gelu_backward from the kept t; dx may be dy.
static void gelu_backward_t(const float* x, const float* tk, const float* dy, int n, float* dx) {
  for (int i = 0; i < n; i++) {
    float v = x[i], t = tk[i];
    float d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * GELU_K * (1.0f + 3.0f * GELU_C * v * v);
    dx[i] = dy[i] * d;
  }
}

// ---------------------------------------------------------------------------------------------------
// Layer normalization over rows of C, keeping each row's mean and 1/std for the backward pass.

// The row sums (mean, variance; in the backward pass the two sums of the gradient) run four lanes wide,
// each lane summing every fourth element, the lanes then added in order and the tail after them: the same
// order in every build. (Summed one element at a time, each sum was a chain of C dependent adds.)
__attribute__((export_name("layernorm_forward")))
void layernorm_forward(const float* x, const float* gamma, const float* beta, int N, int C, float eps, float* y,
                       float* mean, float* rstd) {
  for (int i = 0; i < N; i++) {
    const float* row = x + (size_t)i * C;
    float* out = y + (size_t)i * C;
    int j = 0;
    v128_t vs = wasm_f32x4_splat(0.0f);
    for (; j + 4 <= C; j += 4) vs = wasm_f32x4_add(vs, wasm_v128_load(row + j));
    float s = lanes_sum(vs);
    for (; j < C; j++) s += row[j];
    float m = s / (float)C;
    v128_t vm = wasm_f32x4_splat(m), vv = wasm_f32x4_splat(0.0f);
    for (j = 0; j + 4 <= C; j += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(row + j), vm);
      vv = wasm_f32x4_add(vv, wasm_f32x4_mul(d, d));
    }
    float v = lanes_sum(vv);
    for (; j < C; j++) { float d = row[j] - m; v += d * d; }
    float r = 1.0f / __builtin_sqrtf(v / (float)C + eps);
    for (j = 0; j < C; j++) out[j] = (row[j] - m) * r * gamma[j] + beta[j];
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
    v128_t vm = wasm_f32x4_splat(m), vr = wasm_f32x4_splat(r);
    v128_t va = wasm_f32x4_splat(0.0f), vb = va;
    int j = 0;
    for (; j + 4 <= C; j += 4) {
      v128_t gj = wasm_v128_load(g + j);
      v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(row + j), vm), vr);
      v128_t dxhat = wasm_f32x4_mul(gj, wasm_v128_load(gamma + j));
      va = wasm_f32x4_add(va, dxhat);
      vb = wasm_f32x4_add(vb, wasm_f32x4_mul(dxhat, xhat));
      wasm_v128_store(dgamma + j, wasm_f32x4_add(wasm_v128_load(dgamma + j), wasm_f32x4_mul(gj, xhat)));
      wasm_v128_store(dbeta + j, wasm_f32x4_add(wasm_v128_load(dbeta + j), gj));
    }
    float sum_dxhat = lanes_sum(va), sum_dxhat_xhat = lanes_sum(vb);
    for (; j < C; j++) {
      float xhat = (row[j] - m) * r;
      float dxhat = g[j] * gamma[j];
      sum_dxhat += dxhat;
      sum_dxhat_xhat += dxhat * xhat;
      dgamma[j] += g[j] * xhat;
      dbeta[j] += g[j];
    }
    float a = sum_dxhat / (float)C, b = sum_dxhat_xhat / (float)C;
    for (j = 0; j < C; j++) {
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

#define AB 32 // rows per causal block in attention: skips about half of the T x T square

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
      // scores (T, S) = q (T, hs) . k^T (hs, S), by blocks of AB query rows, each against only the keys
      // it can see (causal: about half the square); every score is the same dot product as unblocked.
      for (int r0 = 0; r0 < T; r0 += AB) {
        int rb = min_i(AB, T - r0);
        gemm(Pbh + (size_t)r0 * S, S, qbh + (size_t)r0 * qt, kbh, rb, past + r0 + rb, hs, qt, 1, 1, kt, 0, scratch);
      }
      const float* bbh = bias ? bias + (size_t)b * bb + (size_t)h * bh : 0;
      for (int i = 0; i < T; i++) {
        float* row = Pbh + (size_t)i * S;
        int last = past + i; // keys after this one are in the future
        const float* brow = bbh ? bbh + (size_t)i * S : 0;
        int n4 = (last + 1) & ~3, j = 0;
        // Four lanes at a time, each lane doing the scalar tail's exact operations (the exps eight wide on
        // AVX2, the same bits); the sum as sum4 sums.
        v128_t vs = wasm_f32x4_splat(scale), vmx = wasm_f32x4_splat(-3.0e38f);
        for (; j < n4; j += 4) {
          v128_t s = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(row + j), vs), brow ? wasm_v128_load(brow + j) : wasm_f32x4_splat(0.0f));
          wasm_v128_store(row + j, s);
          vmx = wasm_f32x4_pmax(vmx, s);
        }
        float mx = -3.0e38f;
        for (int l = 0; l < 4; l++) { float m = wasm_f32x4_extract_lane(vmx, 0); mx = m > mx ? m : mx; vmx = wasm_i32x4_shuffle(vmx, vmx, 1, 2, 3, 0); }
        for (; j <= last; j++) {
          float s = row[j] * scale + (brow ? brow[j] : 0.0f);
          row[j] = s;
          mx = s > mx ? s : mx;
        }
        EXP_SHIFTED(row, n4, mx);
        for (j = n4; j <= last; j++) row[j] = nano_expf(row[j] - mx);
        float sum = sum4(row, last + 1);
        float inv = 1.0f / sum;
        v128_t vi = wasm_f32x4_splat(inv);
        for (j = 0; j < n4; j += 4) wasm_v128_store(row + j, wasm_f32x4_mul(wasm_v128_load(row + j), vi));
        for (; j <= last; j++) row[j] *= inv;
        for (; j < S; j++) row[j] = 0.0f;
      }
      // y (T, hs) = P (T, S) . v (S, hs), written at y's strides; a row block sums only over the keys it
      // sees (the terms it skips are P = 0, at the end of the sum)
      for (int r0 = 0; r0 < T; r0 += AB) {
        int rb = min_i(AB, T - r0);
        gemm(y + (size_t)b * yb + (size_t)h * yh + (size_t)r0 * yt, yt, Pbh + (size_t)r0 * S, vbh, rb, hs, past + r0 + rb,
             S, 1, vt, 1, 0, scratch);
      }
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
      // Without a cached prefix (training) the products skip what causality makes zero, in blocks of AB:
      // row blocks of the query side use keys [0, block end), column blocks of the key side use queries
      // [block start, T). The skipped terms are exact zeros at the ends of each sum, so every result is
      // what the whole square gives (bit for bit while T <= KC).
      int causal = past == 0;
      // dv (S, hs) = P^T (S, T) . dy (T, hs)
      if (causal) {
        for (int c0 = 0; c0 < S; c0 += AB) {
          int cb = min_i(AB, S - c0);
          gemm(dv + vo + (size_t)c0 * vt, vt, Pbh + (size_t)c0 * S + c0, dybh + (size_t)c0 * yt, cb, hs, T - c0, 1, S, yt, 1, 0, mm);
        }
      } else {
        gemm(dv + vo, vt, Pbh, dybh, S, hs, T, 1, S, yt, 1, 0, mm);
      }
      // dP (T, S) = dy (T, hs) . v^T (hs, S)
      if (causal) {
        for (int r0 = 0; r0 < T; r0 += AB) {
          int rb = min_i(AB, T - r0);
          gemm(dS + (size_t)r0 * S, S, dybh + (size_t)r0 * yt, v + vo, rb, r0 + rb, hs, yt, 1, 1, vt, 0, mm);
        }
      } else {
        gemm(dS, S, dybh, v + vo, T, S, hs, yt, 1, 1, vt, 0, mm);
      }
      for (int i = 0; i < T; i++) {
        const float* p = Pbh + (size_t)i * S;
        float* d = dS + (size_t)i * S;
        // Causal: only keys up to the row's own are used (P is 0 after it, so is dS; a row block computed
        // dP only up to its end, the rest of the row was never written).
        int n = causal ? i + 1 : S, j = 0;
        // products four at a time, summed as sum4 sums; then the update four at a time, same operations
        v128_t acc = wasm_f32x4_splat(0.0f);
        for (; j + 4 <= n; j += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(p + j), wasm_v128_load(d + j)));
        float dot = lanes_sum(acc);
        for (; j < n; j++) dot += p[j] * d[j];
        v128_t vdot = wasm_f32x4_splat(dot), vscale = wasm_f32x4_splat(scale);
        for (j = 0; j + 4 <= n; j += 4)
          wasm_v128_store(d + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(p + j), wasm_f32x4_sub(wasm_v128_load(d + j), vdot)), vscale));
        for (; j < n; j++) d[j] = p[j] * (d[j] - dot) * scale;
        for (; j < S; j++) d[j] = 0.0f;
      }
      // dq (T, hs) = dS (T, S) . k (S, hs);  dk (S, hs) = dS^T (S, T) . q (T, hs)
      if (causal) {
        for (int r0 = 0; r0 < T; r0 += AB) {
          int rb = min_i(AB, T - r0);
          gemm(dq + qo + (size_t)r0 * qt, qt, dS + (size_t)r0 * S, k + ko, rb, hs, r0 + rb, S, 1, kt, 1, 0, mm);
        }
        for (int c0 = 0; c0 < S; c0 += AB) {
          int cb = min_i(AB, S - c0);
          gemm(dk + ko + (size_t)c0 * kt, kt, dS + (size_t)c0 * S + c0, q + qo + (size_t)c0 * qt, cb, hs, T - c0, 1, S, qt, 1, 0, mm);
        }
      } else {
        gemm(dq + qo, qt, dS, k + ko, T, hs, S, S, 1, kt, 1, 0, mm);
        gemm(dk + ko, kt, dS, q + qo, S, hs, T, 1, S, qt, 1, 0, mm);
      }
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

// ---------------------------------------------------------------------------------------------------
// Generation: the KV cache written in place, and one transformer block per call.

// dst[b, r, :cols] = src[b, r, :cols] for b < B, r < rows, with batch and row strides (in floats).
__attribute__((export_name("copy_rows")))
void copy_rows(float* dst, int dst_bs, int dst_rs, const float* src, int src_bs, int src_rs, int B, int rows, int cols) {
  for (int b = 0; b < B; b++) {
    for (int r = 0; r < rows; r++) {
      float* d = dst + (size_t)b * dst_bs + (size_t)r * dst_rs;
      const float* s = src + (size_t)b * src_bs + (size_t)r * src_rs;
      int j = 0;
      for (; j + 4 <= cols; j += 4) wasm_v128_store(d + j, wasm_v128_load(s + j));
      for (; j < cols; j++) d[j] = s[j];
    }
  }
}

static inline int max_i(int a, int b) { return a > b ? a : b; }

__attribute__((export_name("decode_block_scratch_floats")))
int decode_block_scratch_floats(int B, int T, int S, int C, int nh) {
  int N = B * T, hs = C / nh;
  int gemm = max_i(matmul_scratch_floats(N, 4 * C), attention_scratch_floats(T, S, hs));
  return N * C * 9 + 2 * N + nh * T * S + gemm + 4;
}

// y (B, T, C) = the block applied to x (B, T, C), T new tokens after `past` cached ones:
//   x1 = x + proj(attention(ln_1(x))), y = x1 + fc2(gelu(fc(ln_2(x1)))).
// The tokens' keys and values are written into K and V (B, cap, C) at rows [past, past + T), and the
// queries attend to rows [0, past + T). `bias` (optional) is added to the scores: (b, i, j) at
// bias[b * bb + i * S + j]. Each step calls the same routine as the separate kernels, in the same order,
// so the result is bitwise identical to running them one by one.
__attribute__((export_name("decode_block")))
void decode_block(const float* x, float* y, float* K, float* V, int B, int T, int past, int cap, int C, int nh, float eps,
                  const float* bias, int bb, float* scratch,
                  const float* ln1_g, const float* ln1_b, const float* qkv_w, const float* qkv_b,
                  const float* proj_w, const float* proj_b, const float* ln2_g, const float* ln2_b,
                  const float* fc_w, const float* fc_b, const float* fc2_w, const float* fc2_b) {
  int N = B * T, S = past + T, hs = C / nh, C3 = 3 * C;
  float* h = scratch;            // N x C: layer norm output
  float* qkv = h + N * C;        // N x 3C
  float* att = qkv + N * C3;     // N x C: attention output, heads side by side
  float* hid = att + N * C;      // N x 4C: MLP hidden units
  float* stats = hid + N * 4 * C; // 2N: mean and 1/std of the layer norm
  float* P = stats + 2 * N;      // nh x T x S: one sequence's attention probabilities
  float* gs = (float*)(((size_t)(P + nh * T * S) + 15) & ~(size_t)15); // gemm scratch
  float scale = 1.0f / __builtin_sqrtf((float)hs);

  layernorm_forward(x, ln1_g, ln1_b, N, C, eps, h, stats, stats + N);
  linear_forward(h, qkv_w, qkv_b, N, C, C3, qkv, gs);
  copy_rows(K + (size_t)past * C, cap * C, C, qkv + C, T * C3, C3, B, T, C);
  copy_rows(V + (size_t)past * C, cap * C, C, qkv + 2 * C, T * C3, C3, B, T, C);
  for (int b = 0; b < B; b++) {
    attention_forward(qkv + (size_t)b * T * C3, K + (size_t)b * cap * C, V + (size_t)b * cap * C, att + (size_t)b * T * C, P,
                      1, nh, T, past, hs, 0, hs, C3, 0, hs, C, 0, hs, C, 0, hs, C,
                      bias ? bias + (size_t)b * bb : 0, 0, 0, scale, gs);
  }
  linear_forward(att, proj_w, proj_b, N, C, C, h, gs);
  for (int i = 0; i < N * C; i++) y[i] = x[i] + h[i];
  layernorm_forward(y, ln2_g, ln2_b, N, C, eps, h, stats, stats + N);
  linear_forward(h, fc_w, fc_b, N, C, 4 * C, hid, gs);
  gelu_forward(hid, N * 4 * C, hid);
  linear_forward(hid, fc2_w, fc2_b, N, 4 * C, C, h, gs);
  for (int i = 0; i < N * C; i++) y[i] = y[i] + h[i];
}

// ---------------------------------------------------------------------------------------------------
// Training: a whole block forward in one call, keeping what its backward pass reads, and the backward in
// one call. They replace ~12 TF.js kernel launches forward and ~25 backward per block (layer norms, linear
// layers, attention, GELU, the residual adds, the reshapes and copies between them). Each step calls the
// routine the separate kernels call, with the same arguments, in the same order, so values and gradients
// equal the separate kernels' bit for bit (a gradient reaching a tensor along two paths is a sum of two
// terms, the same in either order).

// The saved activations of one block (floats), for N = B * T rows, in this order, each segment a multiple
// of four floats: mean1, rstd1 (N each), h1 = ln_1(x) (N x C), qkv (N x 3C), att (N x C, attention output),
// x1 = x + proj(att) (N x C), mean2, rstd2 (N each), h2 = ln_2(x1) (N x C), pre (N x 4C, fc output),
// tk (N x 4C, the GELU's tanh: gelu(pre) = 0.5 pre (1 + tk)), P (B x nh x T x T, attention probabilities).
static inline size_t up4(size_t n) { return (n + 3) & ~(size_t)3; }

__attribute__((export_name("block_saved_floats")))
int block_saved_floats(int B, int T, int C, int nh) {
  size_t N = (size_t)B * T;
  return (int)(4 * up4(N) + 15 * up4(N * C) + up4((size_t)B * nh * T * T));
}

static int block_gemm_floats(int B, int T, int C, int nh) {
  int N = B * T;
  return max_i(matmul_scratch_floats(max_i(N, 4 * C), 4 * C), attention_scratch_floats(T, T, C / nh)) + 4;
}

__attribute__((export_name("block_scratch_floats")))
int block_scratch_floats(int B, int T, int C, int nh) {
  size_t N = (size_t)B * T;
  return (int)(up4(N * 4 * C) + 5 * up4(N * C) + 4 + block_gemm_floats(B, T, C, nh));
}

typedef struct {
  float *mean1, *rstd1, *h1, *qkv, *att, *x1, *mean2, *rstd2, *h2, *pre, *tk, *P;
} BlockSaved;

static BlockSaved block_saved_layout(float* s, int B, int T, int C, int nh) {
  size_t N = (size_t)B * T;
  BlockSaved v;
  v.mean1 = s; s += up4(N);
  v.rstd1 = s; s += up4(N);
  v.h1 = s; s += up4(N * C);
  v.qkv = s; s += 3 * up4(N * C);
  v.att = s; s += up4(N * C);
  v.x1 = s; s += up4(N * C);
  v.mean2 = s; s += up4(N);
  v.rstd2 = s; s += up4(N);
  v.h2 = s; s += up4(N * C);
  v.pre = s; s += 4 * up4(N * C);
  v.tk = s; s += 4 * up4(N * C);
  v.P = s;
  return v;
}

static float* align16(float* p) { return (float*)(((size_t)p + 15) & ~(size_t)15); }

// The GELU of the block kernels: the native build's eight-lane version where it has one (the same bits).
#ifdef NANO_GELU_WIDE
static void gelu_forward_t_wide(const float* x, int n, float* y, float* tk);
#define BLOCK_GELU_FORWARD_T gelu_forward_t_wide
#else
#define BLOCK_GELU_FORWARD_T gelu_forward_t
#endif

// y (B, T, C) = the block applied to x (B, T, C) with causal attention over the T positions (no cache):
//   x1 = x + proj(attention(ln_1(x))), y = x1 + fc2(gelu(fc(ln_2(x1)))).
// `bias` (optional) is added to the scores: (b, h, i, j) at bias[b * bb + h * bh + i * T + j]. `saved`
// (block_saved_floats) receives the activations block_backward reads.
__attribute__((export_name("block_forward")))
void block_forward(const float* x, float* y, float* saved, int B, int T, int C, int nh, float eps,
                   const float* bias, int bb, int bh, float* scratch,
                   const float* ln1_g, const float* ln1_b, const float* qkv_w, const float* qkv_b,
                   const float* proj_w, const float* proj_b, const float* ln2_g, const float* ln2_b,
                   const float* fc_w, const float* fc_b, const float* fc2_w, const float* fc2_b) {
  int N = B * T, C3 = 3 * C, hs = C / nh;
  BlockSaved s = block_saved_layout(saved, B, T, C, nh);
  float* gs = align16(scratch);
  float scale = 1.0f / __builtin_sqrtf((float)hs);
  layernorm_forward(x, ln1_g, ln1_b, N, C, eps, s.h1, s.mean1, s.rstd1);
  linear_forward(s.h1, qkv_w, qkv_b, N, C, C3, s.qkv, gs);
  attention_forward(s.qkv, s.qkv + C, s.qkv + 2 * C, s.att, s.P, B, nh, T, 0, hs,
                    T * C3, hs, C3, T * C3, hs, C3, T * C3, hs, C3, T * C, hs, C, bias, bb, bh, scale, gs);
  linear_forward(s.att, proj_w, proj_b, N, C, C, y, gs);
  for (size_t i = 0; i < (size_t)N * C; i++) s.x1[i] = x[i] + y[i];
  layernorm_forward(s.x1, ln2_g, ln2_b, N, C, eps, s.h2, s.mean2, s.rstd2);
  linear_forward(s.h2, fc_w, fc_b, N, C, 4 * C, s.pre, gs);
  float* act = gs; // gelu(pre), N x 4C, in the scratch (the backward pass recomputes it from tk)
  gs = align16(gs + (size_t)N * 4 * C);
  BLOCK_GELU_FORWARD_T(s.pre, N * 4 * C, act, s.tk);
  linear_forward(act, fc2_w, fc2_b, N, 4 * C, C, y, gs);
  for (size_t i = 0; i < (size_t)N * C; i++) y[i] = s.x1[i] + y[i];
}

// Gradients of block_forward: from x, its saved activations and dy (B, T, C), dx (B, T, C) and the
// gradients of the twelve weights (each written whole, in the weights' shapes). Only the six weights the
// backward pass multiplies by are passed. Scratch: block_scratch_floats.
__attribute__((export_name("block_backward")))
void block_backward(const float* x, const float* saved, const float* dy, float* dx, int B, int T, int C, int nh,
                    float* scratch,
                    const float* ln1_g, const float* qkv_w, const float* proj_w, const float* ln2_g,
                    const float* fc_w, const float* fc2_w,
                    float* d_ln1_g, float* d_ln1_b, float* d_qkv_w, float* d_qkv_b, float* d_proj_w, float* d_proj_b,
                    float* d_ln2_g, float* d_ln2_b, float* d_fc_w, float* d_fc_b, float* d_fc2_w, float* d_fc2_b) {
  int N = B * T, C3 = 3 * C, C4 = 4 * C, hs = C / nh;
  BlockSaved s = block_saved_layout((float*)saved, B, T, C, nh);
  float* dhid = scratch;                     // N x 4C
  float* dx1 = dhid + up4((size_t)N * C4);   // N x C
  float* dh = dx1 + up4((size_t)N * C);      // N x C
  float* dqkv = dh + up4((size_t)N * C);     // N x 3C
  float* gs = align16(dqkv + 3 * up4((size_t)N * C));
  float scale = 1.0f / __builtin_sqrtf((float)hs);
  // MLP: y = x1 + act fc2_w + fc2_b, act = gelu(pre), pre = h2 fc_w + fc_b, h2 = ln_2(x1)
  col_sum(dy, N, C, d_fc2_b);
  gelu_from_t(s.pre, s.tk, N * C4, dhid);                      // act, for a moment in dhid's place
  gemm(d_fc2_w, C, dhid, dy, C4, C, N, 1, C4, C, 1, 0, gs);    // act^T dy
  gemm(dhid, C4, dy, fc2_w, N, C4, C, C, 1, 1, C, 0, gs);     // dy fc2_w^T
  gelu_backward_t(s.pre, s.tk, dhid, N * C4, dhid);
  col_sum(dhid, N, C4, d_fc_b);
  gemm(d_fc_w, C4, s.h2, dhid, C, C4, N, 1, C, C4, 1, 0, gs);  // h2^T dpre
  gemm(dh, C, dhid, fc_w, N, C, C4, C4, 1, 1, C4, 0, gs);     // dpre fc_w^T
  layernorm_backward(s.x1, ln2_g, s.mean2, s.rstd2, dh, N, C, dx1, d_ln2_g, d_ln2_b);
  for (size_t i = 0; i < (size_t)N * C; i++) dx1[i] = dx1[i] + dy[i];
  // attention: x1 = x + att proj_w + proj_b, att = attention(qkv), qkv = h1 qkv_w + qkv_b, h1 = ln_1(x)
  col_sum(dx1, N, C, d_proj_b);
  gemm(d_proj_w, C, s.att, dx1, C, C, N, 1, C, C, 1, 0, gs);   // att^T dx1
  gemm(dh, C, dx1, proj_w, N, C, C, C, 1, 1, C, 0, gs);        // datt = dx1 proj_w^T
  attention_backward(s.qkv, s.qkv + C, s.qkv + 2 * C, s.P, dh, dqkv, dqkv + C, dqkv + 2 * C, B, nh, T, 0, hs,
                     T * C3, hs, C3, T * C3, hs, C3, T * C3, hs, C3, T * C, hs, C, scale, gs);
  col_sum(dqkv, N, C3, d_qkv_b);
  gemm(d_qkv_w, C3, s.h1, dqkv, C, C3, N, 1, C, C3, 1, 0, gs); // h1^T dqkv
  gemm(dh, C, dqkv, qkv_w, N, C, C3, C3, 1, 1, C3, 0, gs);     // dqkv qkv_w^T
  layernorm_backward(x, ln1_g, s.mean1, s.rstd1, dh, N, C, dx, d_ln1_g, d_ln1_b);
  for (size_t i = 0; i < (size_t)N * C; i++) dx[i] = dx[i] + dx1[i];
}

// Token plus position embeddings for generation, one pass instead of two gathers and an add:
// out[i] = wte[ids[i]] + wpe[pos ? pos[i] : start + i % T] for n = B * T rows of C floats (ids checked by the caller).
__attribute__((export_name("embed")))
void embed(float* out, const float* wte, const float* wpe, const int* ids, const int* pos, int start, int n, int T, int C) {
  for (int i = 0; i < n; i++) {
    const float* t = wte + (size_t)ids[i] * C;
    const float* p = wpe + (size_t)(pos ? pos[i] : start + i % T) * C;
    float* o = out + (size_t)i * C;
    int j = 0;
    for (; j + 4 <= C; j += 4) wasm_v128_store(o + j, wasm_f32x4_add(wasm_v128_load(t + j), wasm_v128_load(p + j)));
    for (; j < C; j++) o[j] = t[j] + p[j];
  }
}
