/* Elementwise tanh/exp through glibc's libmvec vector variants, chosen at run time.
   glibc's scalar tanh costs ~30 ns per element; the AVX-512 variant ~3 ns. The vector
   prototypes carry target attributes so this file needs no -m flags (no unsafeFlags). */
#include "cvecmath.h"
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) __m512d _ZGVeN8v_tanh(__m512d);
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_exp(__m512d);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_tanh(__m256d);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_exp(__m256d);
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_cos(__m512d);
__attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_cos(__m256d);

__attribute__((target("avx512f")))
static long cos512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _ZGVeN8v_cos(_mm512_loadu_pd(x + i)));
    return i;
}
__attribute__((target("avx2,fma")))
static long cos256(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_cos(_mm256_loadu_pd(x + i)));
    return i;
}

__attribute__((target("avx512f")))
static long tanh512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _ZGVeN8v_tanh(_mm512_loadu_pd(x + i)));
    return i;
}
__attribute__((target("avx512f")))
static long exp512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _ZGVeN8v_exp(_mm512_loadu_pd(x + i)));
    return i;
}
__attribute__((target("avx2,fma")))
static long tanh256(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_tanh(_mm256_loadu_pd(x + i)));
    return i;
}
__attribute__((target("avx2,fma")))
static long exp256(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_exp(_mm256_loadu_pd(x + i)));
    return i;
}

/* 2 = AVX-512, 1 = AVX2+FMA, 0 = scalar; decided once. */
static int level(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 2
               : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    }
    return cached;
}

void cvm_tanh(const double *x, double *y, long n) {
    int l = level();
    long i = l == 2 ? tanh512(x, y, n) : l == 1 ? tanh256(x, y, n) : 0;
    for (; i < n; i++) y[i] = tanh(x[i]);
}

void cvm_exp(const double *x, double *y, long n) {
    int l = level();
    long i = l == 2 ? exp512(x, y, n) : l == 1 ? exp256(x, y, n) : 0;
    for (; i < n; i++) y[i] = exp(x[i]);
}

void cvm_cos(const double *x, double *y, long n) {
    int l = level();
    long i = l == 2 ? cos512(x, y, n) : l == 1 ? cos256(x, y, n) : 0;
    for (; i < n; i++) y[i] = cos(x[i]);
}
#else
void cvm_cos(const double *x, double *y, long n) { for (long i = 0; i < n; i++) y[i] = cos(x[i]); }
void cvm_tanh(const double *x, double *y, long n) { for (long i = 0; i < n; i++) y[i] = tanh(x[i]); }
void cvm_exp(const double *x, double *y, long n) { for (long i = 0; i < n; i++) y[i] = exp(x[i]); }
#endif
