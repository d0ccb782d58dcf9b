/* The data symbols of aenet's library interface, defined in C so that they are ordinary
 * exported variables of libaenet (the Swift side writes them). See libaenet/aenet.h. */
#ifndef AENET_SWIFT_GLOBALS_H
#define AENET_SWIFT_GLOBALS_H
#include <stdbool.h>

extern int AENET_OK;
extern int AENET_ERR_INIT;
extern int AENET_ERR_MALLOC;
extern int AENET_ERR_IO;
extern int AENET_ERR_TYPE;
extern int AENET_TYPELEN;
extern int AENET_PATHLEN;
extern bool AENET_TRUE;
extern bool AENET_FALSE;

extern int aenet_nsf_max;
extern int aenet_nnb_max;
extern double aenet_Rc_min;
extern double aenet_Rc_max;

/* Setters (Swift imports C globals as unsafe shared state; writing through functions keeps the
 * Swift 6 concurrency checker quiet and makes the single writer explicit). */
void aenetswift_set_ranges(int nsf_max, int nnb_max, double rc_min, double rc_max);

/* The current aenet_nnb_max (read through a function for the same reason). */
int aenetswift_nnb_max(void);
/* Writes `text` to the C stdout (to_stderr = 0) or stderr and flushes it. */
void aenetswift_print(const char *text, int to_stderr);

#endif
