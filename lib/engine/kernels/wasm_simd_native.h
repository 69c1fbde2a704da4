// The WebAssembly SIMD intrinsics nano_kernels.c uses, on x86-64 SSE4.1 or on 64-bit ARM NEON: lets the same
// kernel source build natively (nano_native.c). Each one does what the wasm instruction does, lane for lane,
// so the kernels compute the same values in every build (matmul aside, which the native build hands to a BLAS
// or to a fused multiply-add tile).
#ifndef NANO_WASM_SIMD_NATIVE_H
#define NANO_WASM_SIMD_NATIVE_H
#if defined(__x86_64__) || defined(__i386__)
#include <smmintrin.h>

typedef __m128 v128_t;

static inline v128_t wasm_v128_load(const void* p) { return _mm_loadu_ps((const float*)p); }
static inline void wasm_v128_store(void* p, v128_t v) { _mm_storeu_ps((float*)p, v); }
static inline v128_t wasm_v128_load32_splat(const void* p) { return _mm_set1_ps(*(const float*)p); }
static inline v128_t wasm_f32x4_splat(float x) { return _mm_set1_ps(x); }
static inline v128_t wasm_f32x4_add(v128_t a, v128_t b) { return _mm_add_ps(a, b); }
static inline v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return _mm_sub_ps(a, b); }
static inline v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return _mm_mul_ps(a, b); }
static inline v128_t wasm_f32x4_div(v128_t a, v128_t b) { return _mm_div_ps(a, b); }
static inline v128_t wasm_f32x4_floor(v128_t a) { return _mm_floor_ps(a); }
// pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a, which is what minps/maxps do with b first.
static inline v128_t wasm_f32x4_pmin(v128_t a, v128_t b) { return _mm_min_ps(b, a); }
static inline v128_t wasm_f32x4_pmax(v128_t a, v128_t b) { return _mm_max_ps(b, a); }
static inline v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return _mm_cmplt_ps(a, b); }
static inline v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return _mm_cmpgt_ps(a, b); }
static inline v128_t wasm_v128_and(v128_t a, v128_t b) { return _mm_and_ps(a, b); }
static inline v128_t wasm_v128_andnot(v128_t a, v128_t b) { return _mm_andnot_ps(b, a); } // a & ~b
static inline v128_t wasm_v128_bitselect(v128_t a, v128_t b, v128_t mask) {
  return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
}
#define wasm_f32x4_extract_lane(v, i) ((v)[(i)])
static inline v128_t wasm_i32x4_splat(int x) { return _mm_castsi128_ps(_mm_set1_epi32(x)); }
static inline v128_t wasm_i32x4_add(v128_t a, v128_t b) {
  return _mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(a), _mm_castps_si128(b)));
}
static inline v128_t wasm_i32x4_shl(v128_t a, int n) {
  return _mm_castsi128_ps(_mm_sll_epi32(_mm_castps_si128(a), _mm_cvtsi32_si128(n)));
}
// cvttps gives INT_MIN where wasm saturates; the kernels only convert values clamped to [-127, 128].
static inline v128_t wasm_i32x4_trunc_sat_f32x4(v128_t a) { return _mm_castsi128_ps(_mm_cvttps_epi32(a)); }
#define wasm_i32x4_shuffle(a, b, i0, i1, i2, i3) __builtin_shufflevector((a), (b), i0, i1, i2, i3)
#define export_name(name) used
#elif defined(__aarch64__)
// NEON (baseline on every 64-bit ARM CPU). Compiled with -ffp-contract=off like the x86 build, so a
// multiply followed by an add stays two roundings, as in wasm.
#include <arm_neon.h>

typedef float32x4_t v128_t;

#define F_(u) vreinterpretq_f32_u32(u)
#define U_(f) vreinterpretq_u32_f32(f)
#define FI_(i) vreinterpretq_f32_s32(i)
#define I_(f) vreinterpretq_s32_f32(f)
static inline v128_t wasm_v128_load(const void* p) { return vld1q_f32((const float*)p); }
static inline void wasm_v128_store(void* p, v128_t v) { vst1q_f32((float*)p, v); }
static inline v128_t wasm_v128_load32_splat(const void* p) { return vld1q_dup_f32((const float*)p); }
static inline v128_t wasm_f32x4_splat(float x) { return vdupq_n_f32(x); }
static inline v128_t wasm_f32x4_add(v128_t a, v128_t b) { return vaddq_f32(a, b); }
static inline v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return vsubq_f32(a, b); }
static inline v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return vmulq_f32(a, b); }
static inline v128_t wasm_f32x4_div(v128_t a, v128_t b) { return vdivq_f32(a, b); }
static inline v128_t wasm_f32x4_floor(v128_t a) { return vrndmq_f32(a); }
// pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a, exactly (fmin/fmax differ on NaN and on -0 vs +0).
static inline v128_t wasm_f32x4_pmin(v128_t a, v128_t b) { return vbslq_f32(vcltq_f32(b, a), b, a); }
static inline v128_t wasm_f32x4_pmax(v128_t a, v128_t b) { return vbslq_f32(vcltq_f32(a, b), b, a); }
static inline v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return F_(vcltq_f32(a, b)); }
static inline v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return F_(vcgtq_f32(a, b)); }
static inline v128_t wasm_v128_and(v128_t a, v128_t b) { return F_(vandq_u32(U_(a), U_(b))); }
static inline v128_t wasm_v128_andnot(v128_t a, v128_t b) { return F_(vbicq_u32(U_(a), U_(b))); } // a & ~b
static inline v128_t wasm_v128_bitselect(v128_t a, v128_t b, v128_t mask) { return vbslq_f32(U_(mask), a, b); }
#define wasm_f32x4_extract_lane(v, i) vgetq_lane_f32((v), (i))
static inline v128_t wasm_i32x4_splat(int x) { return FI_(vdupq_n_s32(x)); }
static inline v128_t wasm_i32x4_add(v128_t a, v128_t b) { return FI_(vaddq_s32(I_(a), I_(b))); }
static inline v128_t wasm_i32x4_shl(v128_t a, int n) { return FI_(vshlq_s32(I_(a), vdupq_n_s32(n & 31))); }
// FCVTZS saturates and maps NaN to 0, as wasm's trunc_sat does.
static inline v128_t wasm_i32x4_trunc_sat_f32x4(v128_t a) { return FI_(vcvtq_s32_f32(a)); }
#define wasm_i32x4_shuffle(a, b, i0, i1, i2, i3) __builtin_shufflevector((a), (b), i0, i1, i2, i3)
#define export_name(name) used
#else
#error "nano_native.c: the wasm SIMD mapping is written for x86-64 (SSE4.1) and 64-bit ARM (NEON)"
#endif
#endif
