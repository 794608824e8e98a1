#ifndef STAMPEDE_CLIBPQ_SHIM_H
#define STAMPEDE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
