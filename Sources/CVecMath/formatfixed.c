/* Fixed-point text of a double as printf's "%.*f" writes it (used for Fortran Fw.d output:
   one snprintf into the caller's buffer instead of Foundation's String(format:)). */
#include "cvecmath.h"
#include <stdio.h>

int cvm_format_fixed(char *buf, int capacity, double x, int digits) {
    return snprintf(buf, (size_t)capacity, "%.*f", digits, x);
}
