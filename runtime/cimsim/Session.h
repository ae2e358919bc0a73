//===- Session.h - the simulator state the entry points share ---*- C++ -*-===//
//
// Internal to libresq_runtime.so: CimEntry.cpp records events and reads the
// device variation through these; CimStats.h is the public side.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_RUNTIME_CIMSIM_SESSION_H
#define RESQ_RUNTIME_CIMSIM_SESSION_H

#include "resq/cimsim/CimStats.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace resq::cimsim::session {

/// Applies `change` to the record of layer `name` (created on first use)
/// under the state's lock.
void update(const std::string &name,
            const std::function<void(resq_cim_layer_stats &)> &change);

/// The varied conductances of `count` signed levels of layer `name` under
/// the current variation; empty when devices are ideal.
std::vector<float> variedCells(const std::string &name, const int8_t *levels,
                               int64_t count);

/// Adds the current read noise to `count` partial sums of one cim.mvm of
/// layer `name` (nothing when it is off).
void addReadNoise(const std::string &name, float *sums, int64_t count);

} // namespace resq::cimsim::session

#endif // RESQ_RUNTIME_CIMSIM_SESSION_H
