#ifndef COLLISION_SPECTRUM_CHDF5_SHIM_H
#define COLLISION_SPECTRUM_CHDF5_SHIM_H

// The HDF5 C library, serial build (Debian libhdf5-dev: pkg-config hdf5-serial, headers in
// hdf5/serial). Its predefined types, property-list classes and file-access flags are macros
// that call H5open() and read a global (H5T_NATIVE_DOUBLE is `(H5open(), H5T_NATIVE_DOUBLE_g)`),
// which Swift does not import: these functions return them. H5P_DEFAULT, H5S_ALL and
// H5E_DEFAULT are plain 0 but typed hid_t only in a comment, so they are exported here too.
#include <hdf5.h>

static inline hid_t collop_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t collop_h5s_all(void) { return H5S_ALL; }
static inline hid_t collop_h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t collop_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t collop_h5p_file_access(void) { return H5P_FILE_ACCESS; }

static inline unsigned collop_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned collop_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }

static inline hid_t collop_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t collop_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t collop_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t collop_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t collop_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t collop_h5t_variable(void) { return H5T_VARIABLE; }

#endif
