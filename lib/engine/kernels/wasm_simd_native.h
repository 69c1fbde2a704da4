// The WebAssembly SIMD intrinsics nano_kernels.c uses, on x86-64 SSE4.1: lets the same kernel source build
// natively (nano_native.c). Each one does what the wasm instruction does, lane for lane, so the kernels
// compute the same values in both builds (matmul aside, which the native build hands to a BLAS).
#ifndef NANO_WASM_SIMD_NATIVE_H
#define NANO_WASM_SIMD_NATIVE_H
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
#endif
