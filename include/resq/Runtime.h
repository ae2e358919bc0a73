/*===- Runtime.h - the C API of resq's runtime ------------------*- C -*-===*\
 *
 * A model compiled by resq-compile is a shared library (model.so) beside its
 * safetensors parameter archive (model.safetensors). This API loads it, binds
 * its weights by name, runs it on caller-owned buffers and reads its outputs.
 * Every call returns a status; on failure resq_last_error() says why (the
 * message names the parameter, input or file at fault). Nothing here aborts.
 *
 * A compiled model exports two symbols:
 *   void resq_entry(void **args);  args[i] points to the memref descriptor
 *                                  of argument i (inputs, params, outputs);
 *   const char *resq_abi(void);    the argument list, one line each:
 *     resq-abi 1
 *     input<TAB>input_ids<TAB>I64<TAB>1,16
 *     param<TAB>embed_tokens.weight<TAB>F32<TAB>256,64
 *     output<TAB>logits<TAB>F32<TAB>1,16,256
 * Dtypes use the safetensors spelling; a rank-0 shape is empty. Buffers are
 * dense row-major with the exact byte size of their dtype and shape.
\*===----------------------------------------------------------------------===*/

#ifndef RESQ_RUNTIME_H
#define RESQ_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RESQ_RUNTIME_EXPORT __attribute__((visibility("default")))
#else
#define RESQ_RUNTIME_EXPORT
#endif

/* The ABI version this runtime reads (the first line of resq_abi()). */
#define RESQ_ABI_VERSION 1

typedef enum resq_status {
  RESQ_OK = 0,
  RESQ_ERR_IO = 1,               /* a file could not be opened or read */
  RESQ_ERR_INVALID_MODEL = 2,    /* not a resq model, or a malformed ABI */
  RESQ_ERR_MISSING_PARAM = 3,    /* the archive lacks a parameter */
  RESQ_ERR_PARAM_MISMATCH = 4,   /* a parameter's dtype or shape differs */
  RESQ_ERR_UNBOUND_PARAM = 5,    /* run before every parameter was bound */
  RESQ_ERR_INVALID_ARGUMENT = 6, /* null pointer, bad index, unknown name */
  RESQ_ERR_OUT_OF_MEMORY = 7,
  /* an input's value is outside what the model computes: an index past a
   * table (a token id >= the vocabulary), an integer division by zero. The
   * run read nothing out of bounds; its outputs are undefined. */
  RESQ_ERR_INPUT_VALUE = 8
} resq_status;

/* Element types, in the order of resq::params::DType. */
typedef enum resq_dtype {
  RESQ_F64 = 0,
  RESQ_F32,
  RESQ_F16,
  RESQ_BF16,
  RESQ_I64,
  RESQ_I32,
  RESQ_I16,
  RESQ_I8,
  RESQ_U8,
  RESQ_BOOL
} resq_dtype;

typedef enum resq_role { RESQ_INPUT = 0, RESQ_PARAM, RESQ_OUTPUT } resq_role;

typedef struct resq_tensor_info {
  const char *name; /* owned by the model */
  resq_dtype dtype;
  int64_t rank;
  const int64_t *shape; /* rank entries, owned by the model */
  size_t byte_size;
} resq_tensor_info;

typedef struct resq_model resq_model;

/* Loads a compiled model library. Its parameters are not bound yet. */
RESQ_RUNTIME_EXPORT resq_status resq_model_load(const char *library_path,
                                                resq_model **model);
/* Loads dir/model.so and binds dir/model.safetensors, after checking that
 * dir/model.manifest (written last by resq-compile) lists both and the
 * runtime with their sizes and hashes: a folder whose compilation did not
 * finish, or that mixes files of two compilations, is RESQ_ERR_INVALID_MODEL.
 * The check reads every byte of the archive once (XXH64, several GB/s). */
RESQ_RUNTIME_EXPORT resq_status resq_model_load_dir(const char *dir,
                                                    resq_model **model);
/* Wraps code compiled in-process (a JIT) that has the same two functions. */
RESQ_RUNTIME_EXPORT resq_status resq_model_from_entry(void (*entry)(void **),
                                                      const char *abi,
                                                      resq_model **model);
RESQ_RUNTIME_EXPORT void resq_model_free(resq_model *model);

/* Binds every parameter from a safetensors archive, which stays mapped until
 * the model is freed. Fails, naming each parameter, if one is missing or has
 * another dtype or shape; nothing is bound then. */
RESQ_RUNTIME_EXPORT resq_status resq_model_bind_archive(resq_model *model,
                                                        const char *path);
/* Binds one parameter to caller memory that must outlive the model. */
RESQ_RUNTIME_EXPORT resq_status
resq_model_bind_param(resq_model *model, const char *name, resq_dtype dtype,
                      int64_t rank, const int64_t *shape, const void *data);

RESQ_RUNTIME_EXPORT int64_t resq_model_count(const resq_model *model,
                                             resq_role role);
RESQ_RUNTIME_EXPORT resq_status resq_model_info(const resq_model *model,
                                                resq_role role, int64_t index,
                                                resq_tensor_info *info);

/* Runs the model: inputs[i] and outputs[i] are dense buffers of the byte
 * sizes resq_model_info reports. Several threads may run one model at once. */
RESQ_RUNTIME_EXPORT resq_status resq_model_run(resq_model *model,
                                               const void *const *inputs,
                                               void *const *outputs);

/* The message of the last failing call on this thread ("" if none). */
RESQ_RUNTIME_EXPORT const char *resq_last_error(void);
/* "F32", "I64", ...; NULL for a value outside the enum. */
RESQ_RUNTIME_EXPORT const char *resq_dtype_name(resq_dtype dtype);
RESQ_RUNTIME_EXPORT size_t resq_dtype_size(resq_dtype dtype);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RESQ_RUNTIME_H */
