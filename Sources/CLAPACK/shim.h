// BLAS through OpenBLAS's CBLAS; LAPACK through the Fortran symbols OpenBLAS exports.
// Column-major, every argument by pointer (Fortran calling convention).
#ifndef TENURE_CLAPACK_SHIM_H
#define TENURE_CLAPACK_SHIM_H
#include <cblas.h>

typedef int lapack_int_t;

void dgels_(const char *trans, const lapack_int_t *m, const lapack_int_t *n, const lapack_int_t *nrhs,
            double *a, const lapack_int_t *lda, double *b, const lapack_int_t *ldb,
            double *work, const lapack_int_t *lwork, lapack_int_t *info);
void dgelsd_(const lapack_int_t *m, const lapack_int_t *n, const lapack_int_t *nrhs,
             double *a, const lapack_int_t *lda, double *b, const lapack_int_t *ldb,
             double *s, const double *rcond, lapack_int_t *rank,
             double *work, const lapack_int_t *lwork, lapack_int_t *iwork, lapack_int_t *info);
void dposv_(const char *uplo, const lapack_int_t *n, const lapack_int_t *nrhs, double *a, const lapack_int_t *lda,
            double *b, const lapack_int_t *ldb, lapack_int_t *info);
void dpotrf_(const char *uplo, const lapack_int_t *n, double *a, const lapack_int_t *lda, lapack_int_t *info);
void dpotrs_(const char *uplo, const lapack_int_t *n, const lapack_int_t *nrhs, const double *a, const lapack_int_t *lda,
             double *b, const lapack_int_t *ldb, lapack_int_t *info);
void dpotri_(const char *uplo, const lapack_int_t *n, double *a, const lapack_int_t *lda, lapack_int_t *info);
void dgesv_(const lapack_int_t *n, const lapack_int_t *nrhs, double *a, const lapack_int_t *lda, lapack_int_t *ipiv,
            double *b, const lapack_int_t *ldb, lapack_int_t *info);
void dgetrf_(const lapack_int_t *m, const lapack_int_t *n, double *a, const lapack_int_t *lda, lapack_int_t *ipiv,
             lapack_int_t *info);
void dgetri_(const lapack_int_t *n, double *a, const lapack_int_t *lda, const lapack_int_t *ipiv,
             double *work, const lapack_int_t *lwork, lapack_int_t *info);
void dsyev_(const char *jobz, const char *uplo, const lapack_int_t *n, double *a, const lapack_int_t *lda,
            double *w, double *work, const lapack_int_t *lwork, lapack_int_t *info);
void dgeqrf_(const lapack_int_t *m, const lapack_int_t *n, double *a, const lapack_int_t *lda, double *tau,
             double *work, const lapack_int_t *lwork, lapack_int_t *info);
void dtrtri_(const char *uplo, const char *diag, const lapack_int_t *n, double *a, const lapack_int_t *lda,
             lapack_int_t *info);

#endif
