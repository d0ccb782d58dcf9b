#ifndef CVECMATH_H
#define CVECMATH_H
/* Vectorised elementwise math over double arrays (glibc libmvec when the CPU allows it).
   y may alias x. Results agree with glibc's scalar functions to a few ulp. */
void cvm_tanh(const double *x, double *y, long n);
void cvm_exp(const double *x, double *y, long n);
void cvm_cos(const double *x, double *y, long n);
/* printf "%.*f" of x into buf (capacity bytes); returns snprintf's count. */
int cvm_format_fixed(char *buf, int capacity, double x, int digits);
#endif
