#ifndef COLLISION_SPECTRUM_CFFTW_SHIM_H
#define COLLISION_SPECTRUM_CFFTW_SHIM_H

// FFTW 3, double precision. Without <complex.h> included first, fftw_complex is
// `double[2]`, which has the layout of swift-numerics' Complex<Double> (two doubles,
// real then imaginary), so Swift buffers pass through without copies.
#include <fftw3.h>

// glibc's allocator control (mallopt, M_MMAP_THRESHOLD), for the policy by which large
// vectors are mapped and returned (DenseLinearAlgebra's AllocatorPolicy).
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#endif
