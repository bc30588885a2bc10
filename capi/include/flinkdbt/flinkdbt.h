/* flinkdbt's C ABI: the stable interface that C programs, Go, Rust and Python link against.
 *
 * This header is C99 and usable from C++. It grows with the library (see issue "A stable C ABI");
 * what is declared here is stable within an ABI version (FLINKDBT_ABI_VERSION, the shared library's
 * SONAME major). Every function is thread-safe. */
#ifndef FLINKDBT_FLINKDBT_H_
#define FLINKDBT_FLINKDBT_H_

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FLINKDBT_API __attribute__((visibility("default")))
#else
#define FLINKDBT_API
#endif

/* The library's version, "MAJOR.MINOR.PATCH", the same string `flinkdbt --version` prints.
 * The returned pointer is static: never free it. */
FLINKDBT_API const char *flinkdbt_version(void);

/* The ABI version this library implements. */
FLINKDBT_API int flinkdbt_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* FLINKDBT_FLINKDBT_H_ */
