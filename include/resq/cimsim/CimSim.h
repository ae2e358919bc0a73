/*===- CimSim.h - the crossbar simulator's C API ----------------*- C -*-===*\
 *
 * One function per cim op, on dense row-major buffers, with exactly the
 * arithmetic the op's description defines (docs/dialects/Cim.md). Lowered
 * cim ops call these; libresq_runtime.so exports them. Shapes follow the
 * ops: levels [S, K, N], inputs [M, K] (unsigned codes), partial sums
 * [M, B, T, S, N] (B input bits, T = ceil(K / rows) row tiles). Callers
 * pass shapes their verifiers have checked; nothing here allocates.
\*===----------------------------------------------------------------------===*/

#ifndef RESQ_CIMSIM_CIMSIM_H
#define RESQ_CIMSIM_CIMSIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cim.program: weights [k, n] -> levels [slices, k, n]; mapping 0 is
 * differential, 1 offset. Returns 0, or -1 when a weight is outside the
 * signed weight_bits range (levels are then unspecified). */
int resq_cim_program(const int8_t *weights, int64_t k, int64_t n,
                     int64_t cell_bits, int64_t weight_bits, int32_t mapping,
                     int8_t *levels);

/* cim.mvm: partial sums [m, input_bits, ceil(k / rows), slices, n]. */
void resq_cim_mvm(const int8_t *levels, const int32_t *inputs, int64_t m,
                  int64_t k, int64_t n, int64_t slices, int64_t rows,
                  int64_t input_bits, float *sums);

/* cim.adc over count elements. */
void resq_cim_adc(const float *sums, int64_t count, int64_t bits, double low,
                  double high, float *result);

/* cim.sense_amp over count elements; mode 0 binary, 1 ternary. */
void resq_cim_sense_amp(const float *sums, int64_t count, int32_t mode,
                        double theta, double delta, int8_t *decisions);

/* cim.shift_add: [m, b, t, s, n] -> [m, n]. */
void resq_cim_shift_add(const float *sums, int64_t m, int64_t b, int64_t t,
                        int64_t s, int64_t n, int64_t cell_bits, float *result);

/* cim.scale_accumulate: decisions [m, b, t, s, n], alpha [t, s, n] ->
 * [m, n]. */
void resq_cim_scale_accumulate(const int8_t *decisions, const float *alpha,
                               int64_t m, int64_t b, int64_t t, int64_t s,
                               int64_t n, int64_t cell_bits, float *result);

/* cim.lif: currents [steps, count] -> spikes [steps, count] (0 or 1);
 * reset 0 soft, 1 hard. */
void resq_cim_lif(const float *currents, int64_t steps, int64_t count,
                  double beta, double threshold, int32_t reset,
                  uint8_t *spikes);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RESQ_CIMSIM_CIMSIM_H */
