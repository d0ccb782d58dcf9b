#include "aenet_globals.h"
#include <stdio.h>

/* Status values and string lengths: the same numbers as aenet 2.0.4 (src/aenet.f90, aeio.f90). */
int AENET_OK = 0;
int AENET_ERR_INIT = 1;
int AENET_ERR_MALLOC = 2;
int AENET_ERR_IO = 3;
int AENET_ERR_TYPE = 4;
int AENET_TYPELEN = 2;
int AENET_PATHLEN = 1024;
bool AENET_TRUE = true;
bool AENET_FALSE = false;

/* Set when the last potential is loaded. */
int aenet_nsf_max = 0;
int aenet_nnb_max = 0;
double aenet_Rc_min = 0.0;
double aenet_Rc_max = 0.0;

void aenetswift_set_ranges(int nsf_max, int nnb_max, double rc_min, double rc_max) {
    aenet_nsf_max = nsf_max;
    aenet_nnb_max = nnb_max;
    aenet_Rc_min = rc_min;
    aenet_Rc_max = rc_max;
}

int aenetswift_nnb_max(void) { return aenet_nnb_max; }

void aenetswift_print(const char *text, int to_stderr) {
    FILE *f = to_stderr ? stderr : stdout;
    fputs(text, f);
    fflush(f);
}
