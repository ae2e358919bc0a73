/*===- CimStats.h - what lowered cim ops did, per layer --------*- C -*-===*\
 *
 * The simulator entry points that lowered cim ops call (CimEntry.cpp)
 * count their events under the op's `layer` name. A driver (resq-run
 * --target cim) resets the counts, runs a model, reads them back through
 * these functions and prices them with the cost model (lib/cim). The
 * device variation that the entry points apply is set here too. The
 * counts live in libresq_runtime.so, once per process.
\*===----------------------------------------------------------------------===*/

#ifndef RESQ_CIMSIM_CIMSTATS_H
#define RESQ_CIMSIM_CIMSTATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { RESQ_CIM_LAYER_NAME = 128 };

/* One layer: its crossbar (from cim.program and cim.mvm), its readout and
 * the events of every call since the last reset. */
typedef struct resq_cim_layer_stats {
  char name[RESQ_CIM_LAYER_NAME]; /* truncated, NUL-terminated */
  int64_t rows, cols, cell_bits, weight_bits, input_bits, mapping;
  int64_t k, n;      /* the programmed weight matrix */
  int64_t crossbars; /* row tiles x column tiles x slices */
  int64_t readout;   /* 0 none seen, 1 ADC, 2 sense amplifiers */
  int64_t adc_bits, columns_per_adc, ternary;
  /* Events (see resq::cimsim::Events). */
  int64_t input_vectors, array_reads, cell_reads, dac_pulses;
  int64_t adc_conversions, sense_reads, shift_adds, scale_adds;
  /* Spiking: LIF updates, neurons per step and time steps of the last
   * call. */
  int64_t lif_updates, neurons, steps;
} resq_cim_layer_stats;

/* Layers with recorded events, in the order they were first seen. */
int64_t resq_cim_stats_count(void);
/* Copies layer `index`; returns 0, or -1 when out of range. */
int resq_cim_stats_get(int64_t index, resq_cim_layer_stats *out);
/* Forgets every layer. */
void resq_cim_stats_reset(void);

/* Device-to-device conductance variation of every cim.mvm from now on:
 * each programmed cell's conductance is level * max(0, 1 + sigma N(0,1)),
 * drawn from `seed` and the layer's name (the same devices on every call).
 * sigma 0 restores ideal devices. Returns 0, or -1 for sigma < 0. */
int resq_cim_set_variation(double sigma, uint64_t seed);

/* Read noise of every cim.mvm from now on: each partial sum of each read
 * gets an independent N(0, sigma^2) (in cell-level units), drawn from
 * `seed`, the layer's name and the layer's read count (a rerun in the same
 * order draws the same noise). sigma 0 turns it off. Returns 0, or -1 for
 * sigma < 0. */
int resq_cim_set_read_noise(double sigma, uint64_t seed);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RESQ_CIMSIM_CIMSTATS_H */
