/* Names of the CAPOS_E_* codes (include/capos/ring.h), for logs and
 * diagnostics: errors are reported by name, never as bare numbers. */
#ifndef CAPOS_LIB_ERRORS_H
#define CAPOS_LIB_ERRORS_H

#include "include/capos/ring.h"

/* "CAPOS_E_TOO_BIG" for CAPOS_E_TOO_BIG, "CAPOS_OK" for 0, "unknown error"
 * for anything else. */
const char *capos_strerror(int err);

#endif
