// glibc's malloc tuning (mallopt), which the Glibc module does not export.
#ifndef TENURE_CMALLOC_SHIM_H
#define TENURE_CMALLOC_SHIM_H
#include <malloc.h>
#endif
