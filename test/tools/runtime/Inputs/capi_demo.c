/* A C program using include/resq/Runtime.h the way an application would
 * (c-api.test): load a compiled model folder, list its arguments, run it on
 * zeros, print the first outputs, and exercise the error paths. With an
 * archive as second argument it only binds that archive and prints the
 * result (weights.test). */
#include "resq/Runtime.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: capi_demo MODEL_SO [ARCHIVE]\n");
    return 2;
  }
  resq_model *model = NULL;
  if (resq_model_load_dir("/nonexistent", &model) != RESQ_OK)
    printf("missing folder: %s\n", resq_last_error());
  if (resq_model_run(NULL, NULL, NULL) == RESQ_ERR_INVALID_ARGUMENT)
    printf("null model: %s\n", resq_last_error());

  resq_status status = resq_model_load(argv[1], &model);
  if (status != RESQ_OK) {
    fprintf(stderr, "load: %s\n", resq_last_error());
    return 1;
  }
  if (argc == 3) {
    if (resq_model_bind_archive(model, argv[2]) != RESQ_OK) {
      printf("bind: %s\n", resq_last_error());
      return 1;
    }
    printf("bound %s\n", argv[2]);
    resq_model_free(model);
    return 0;
  }
  /* Loaded but not bound: running reports the first unbound parameter. */
  int64_t inputs = resq_model_count(model, RESQ_INPUT);
  int64_t outputs = resq_model_count(model, RESQ_OUTPUT);
  void **in = calloc((size_t)inputs, sizeof(void *));
  void **out = calloc((size_t)outputs, sizeof(void *));
  for (int64_t i = 0; i < inputs; ++i) {
    resq_tensor_info info;
    resq_model_info(model, RESQ_INPUT, i, &info);
    printf("input %s %s rank %lld\n", info.name, resq_dtype_name(info.dtype),
           (long long)info.rank);
    in[i] = calloc(1, info.byte_size);
  }
  for (int64_t i = 0; i < outputs; ++i) {
    resq_tensor_info info;
    resq_model_info(model, RESQ_OUTPUT, i, &info);
    printf("output %s %s %zu bytes\n", info.name, resq_dtype_name(info.dtype),
           info.byte_size);
    out[i] = calloc(1, info.byte_size);
  }
  printf("params %lld\n", (long long)resq_model_count(model, RESQ_PARAM));
  if (resq_model_run(model, (const void *const *)in, out) ==
      RESQ_ERR_UNBOUND_PARAM)
    printf("unbound: %s\n", resq_last_error());
  if (resq_model_bind_param(model, "no such weight", RESQ_F32, 0, NULL, in) !=
      RESQ_OK)
    printf("bad name: %s\n", resq_last_error());
  return 0;
}
