//===- CimStats.cpp - per-layer event counts and device variation ---------===//
//
// The process-wide state behind CimStats.h: one record per layer name,
// updated by the entry points of CimEntry.cpp under a lock (a model may run
// its layers from several threads), and the variation every cim.mvm uses.
//
//===----------------------------------------------------------------------===//

#include "runtime/cimsim/Session.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

namespace resq::cimsim::session {
namespace {

struct State {
  std::mutex mutex;
  std::vector<std::unique_ptr<resq_cim_layer_stats>> layers;
  std::map<std::string, resq_cim_layer_stats *> byName;
  double sigma = 0;
  uint64_t seed = 0;
  double readSigma = 0;
  uint64_t readSeed = 0;
  /// Reads per layer name, so that every read draws fresh noise.
  std::map<std::string, uint64_t> reads;
};

State &state() {
  static State instance;
  return instance;
}

/// FNV-1a: a stable hash of the layer name for its variation seed.
uint64_t hashName(const std::string &name) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : name)
    hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

} // namespace

void update(const std::string &name,
            const std::function<void(resq_cim_layer_stats &)> &change) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto found = s.byName.find(name);
  if (found == s.byName.end()) {
    auto record = std::make_unique<resq_cim_layer_stats>();
    std::memset(record.get(), 0, sizeof(resq_cim_layer_stats));
    std::strncpy(record->name, name.c_str(), RESQ_CIM_LAYER_NAME - 1);
    found = s.byName.emplace(name, record.get()).first;
    s.layers.push_back(std::move(record));
  }
  change(*found->second);
}

std::vector<float> variedCells(const std::string &name, const int8_t *levels,
                               int64_t count) {
  double sigma;
  uint64_t seed;
  {
    State &s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    sigma = s.sigma;
    seed = s.seed;
  }
  if (sigma <= 0)
    return {};
  std::mt19937_64 rng(seed ^ hashName(name));
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<float> cells(count);
  for (int64_t index = 0; index < count; ++index) {
    // Every cell draws, programmed or not, so a weight's deviation does not
    // depend on the other weights.
    double factor = std::max(0.0, 1.0 + sigma * normal(rng));
    cells[index] = float(levels[index] * factor);
  }
  return cells;
}

void addReadNoise(const std::string &name, float *sums, int64_t count) {
  double sigma;
  uint64_t seed, read;
  {
    State &s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    sigma = s.readSigma;
    seed = s.readSeed;
    read = s.reads[name]++;
  }
  if (sigma <= 0)
    return;
  std::mt19937_64 rng(seed ^ hashName(name) ^ (read * 0x9E3779B97F4A7C15ull));
  std::normal_distribution<double> normal(0.0, sigma);
  for (int64_t index = 0; index < count; ++index)
    sums[index] += float(normal(rng));
}

} // namespace resq::cimsim::session

using namespace resq::cimsim::session;

int64_t resq_cim_stats_count(void) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return int64_t(s.layers.size());
}

int resq_cim_stats_get(int64_t index, resq_cim_layer_stats *out) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (index < 0 || index >= int64_t(s.layers.size()))
    return -1;
  *out = *s.layers[index];
  return 0;
}

void resq_cim_stats_reset(void) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.layers.clear();
  s.byName.clear();
  s.reads.clear();
}

int resq_cim_set_read_noise(double sigma, uint64_t seed) {
  if (!(sigma >= 0))
    return -1;
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.readSigma = sigma;
  s.readSeed = seed;
  s.reads.clear();
  return 0;
}

int resq_cim_set_variation(double sigma, uint64_t seed) {
  if (!(sigma >= 0))
    return -1;
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.sigma = sigma;
  s.seed = seed;
  return 0;
}
