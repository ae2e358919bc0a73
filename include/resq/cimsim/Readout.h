//===- Readout.h - ADC, sense amplifiers, scales, LIF neurons ---*- C++ -*-===//
//
// The peripheral circuits of ALGORITHMS.md §6, one function per decision so
// that the simulator and the tests apply exactly the same arithmetic:
//   ADC            N-bit uniform quantizer of a partial sum over a range;
//   sense amp      binary sign(p - theta) or ternary with a dead zone +-delta;
//   scale add      what HCiM's digital array does with a -1/0/+1 readout;
//   LIF            leaky integrate-and-fire, soft or hard reset.
//
//===----------------------------------------------------------------------===//

#ifndef RESQ_CIMSIM_READOUT_H
#define RESQ_CIMSIM_READOUT_H

#include <cmath>
#include <cstdint>

namespace resq::cimsim {

/// An N-bit ADC over [low, high]: 2^N levels evenly spaced, the input
/// rounded to the nearest (ties away from zero) and clipped.
struct Adc {
  int bits = 7;
  double low = 0, high = 127;

  double step() const { return (high - low) / double((1 << bits) - 1); }
  int code(double p) const {
    double level = std::round((p - low) / step());
    double top = double((1 << bits) - 1);
    return int(level < 0 ? 0 : level > top ? top : level);
  }
  double value(double p) const { return low + code(p) * step(); }
};

enum class SenseMode { Binary, Ternary };

/// Sense amplifier readout of a partial sum: binary -> {-1, +1} (p > theta
/// reads +1), ternary -> {-1, 0, +1} with |p - theta| <= delta reading 0.
inline int senseAmp(double p, SenseMode mode, double theta, double delta) {
  if (mode == SenseMode::Binary)
    return p > theta ? 1 : -1;
  if (p > theta + delta)
    return 1;
  if (p < theta - delta)
    return -1;
  return 0;
}

enum class Reset { Soft, Hard };

/// One leaky integrate-and-fire step: U <- beta U + current; spike when
/// U >= threshold; soft reset subtracts the threshold, hard reset zeroes.
inline bool lifStep(double &membrane, double current, double beta,
                    double threshold, Reset reset) {
  membrane = beta * membrane + current;
  if (membrane < threshold)
    return false;
  membrane = reset == Reset::Soft ? membrane - threshold : 0.0;
  return true;
}

} // namespace resq::cimsim

#endif // RESQ_CIMSIM_READOUT_H
