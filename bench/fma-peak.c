// The hardware's float32 multiply-add peak: one thread per core, each running 12 independent chains of
// 256-bit fused multiply-adds (AVX2 + FMA) that never touch memory, all threads started together. No
// matmul can run faster than this; the machine's best matmul (PyTorch's 1024^3 through OpenBLAS) is a
// fraction of it, and so is everything MFU measures. Prints one JSON line.
//
//   cc -O2 -mavx2 -mfma -pthread bench/fma-peak.c -o fma-peak && ./fma-peak [threads] [milliseconds]
// bench/bench.ts builds and runs it on x86-64 (elsewhere it reports no figure).
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static pthread_barrier_t start;
static long iterations;

typedef struct { double seconds; } Result;

static void* chains(void* arg) {
  Result* r = arg;
  __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  __m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1), a2 = _mm256_set1_ps(2), a3 = _mm256_set1_ps(3);
  __m256 a4 = _mm256_set1_ps(4), a5 = _mm256_set1_ps(5), a6 = _mm256_set1_ps(6), a7 = _mm256_set1_ps(7);
  __m256 a8 = _mm256_set1_ps(8), a9 = _mm256_set1_ps(9), a10 = _mm256_set1_ps(10), a11 = _mm256_set1_ps(11);
  pthread_barrier_wait(&start);
  double t = now_s();
  for (long k = 0; k < iterations; k++) {
#define STEP(x) x = _mm256_fmadd_ps(x, b, c);
    STEP(a0) STEP(a1) STEP(a2) STEP(a3) STEP(a4) STEP(a5) STEP(a6) STEP(a7) STEP(a8) STEP(a9) STEP(a10) STEP(a11)
    // keeps the 12 chains in registers and in the loop (the compiler may neither merge nor hoist them)
    __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6), "+x"(a7), "+x"(a8),
                     "+x"(a9), "+x"(a10), "+x"(a11));
  }
  r->seconds = now_s() - t;
  return NULL;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double ms = argc > 2 ? atof(argv[2]) : 300;
  if (threads < 1 || threads > 256 || !(ms > 0)) {
    fprintf(stderr, "usage: fma-peak [threads] [milliseconds]\n");
    return 2;
  }
  pthread_t* tid = malloc(sizeof(pthread_t) * threads);
  Result* res = calloc(threads, sizeof(Result));
  // calibrate on one thread: about 1 ms of chains, then scale to the requested time
  iterations = 200000;
  pthread_barrier_init(&start, NULL, 1);
  chains(&res[0]);
  pthread_barrier_destroy(&start);
  iterations = (long)(iterations * (ms / 1000.0) / (res[0].seconds > 1e-6 ? res[0].seconds : 1e-6));
  double best = 0, best_one = 0;
  for (int rep = 0; rep < 3; rep++) {
    pthread_barrier_init(&start, NULL, threads);
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, chains, &res[i]);
    double total = 0, one = 0;
    for (int i = 0; i < threads; i++) {
      pthread_join(tid[i], NULL);
      double g = iterations * 12.0 * 16.0 / res[i].seconds / 1e9; // 12 FMAs of 8 lanes, 2 flops each
      total += g;
      if (g > one) one = g;
    }
    pthread_barrier_destroy(&start);
    if (total > best) best = total;
    if (one > best_one) best_one = one;
  }
  printf("{\"threads\":%d,\"gflops\":%.2f,\"one_thread_gflops\":%.2f}\n", threads, best, best_one);
  free(tid);
  free(res);
  return 0;
}
