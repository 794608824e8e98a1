#ifndef STAMPEDE_CZLIB_SHIM_H
#define STAMPEDE_CZLIB_SHIM_H
// zlib: deflate for the compressed histograms of HdrHistogram interval logs (.hlog).
#include <zlib.h>
#endif
