#ifndef COLLISION_SPECTRUM_CLAPACKE_SHIM_H
#define COLLISION_SPECTRUM_CLAPACKE_SHIM_H

// LAPACKE declares complex arguments as C99 `double _Complex`, which Swift does not
// import. LAPACKE lets the includer choose the complex type instead: a struct of two
// doubles has the same layout as `double _Complex` (and as swift-numerics'
// Complex<Double>), so buffers pass through without copies.
typedef struct { float real; float imag; } collop_complex_float;
typedef struct { double real; double imag; } collop_complex_double;
#define lapack_complex_float collop_complex_float
#define lapack_complex_double collop_complex_double

#include <lapacke.h>

// lapack_int is a macro (int32_t here, int64_t for ILP64 builds); a typedef makes it
// visible to Swift.
typedef lapack_int collop_lapack_int;

// CBLAS from OpenBLAS: matrix products (zgemm) for the O(N³) overlap and projection work.
#include <cblas.h>
typedef blasint collop_blas_int;

// OpenBLAS thread control and identification are declared by <cblas.h> above
// (openblas_set_num_threads, openblas_get_num_threads, openblas_get_config).

#endif
