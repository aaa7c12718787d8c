// MetricsRegistry: counters, gauges and fixed-bucket histograms with labels, rendered in the
// Prometheus text exposition format 0.0.4 for GET /metrics.
//
// Written by hand because Debian 12 ships no Prometheus C++ client library; it covers only what
// sedun-server exports. Label values are escaped (\\, \", \n); metric and label names are checked
// at registration. Keep label cardinality bounded: label routes by pattern, never by raw path.
// Thread-safety: all members are safe to call concurrently; handles returned by the registry stay
// valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"

namespace sedun::net {

using LabelValues = std::vector<std::string>;  // in the order of the family's label names

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), +Inf last
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Default latency buckets in seconds, 1 ms .. 10 s.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declares a family. Declaring the same name again with the same type, labels (and buckets)
  // is allowed and returns OK; any difference is kAlreadyExists; bad names kInvalidArgument.
  Status AddCounter(const std::string& name, const std::string& help,
                    std::vector<std::string> label_names = {});
  Status AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {});
  Status AddHistogram(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names, std::vector<double> bounds);

  // The series of a declared family with these label values, created on first use. Fails with
  // kNotFound for an undeclared name or a different type, kInvalidArgument on a label count
  // mismatch.
  Result<Counter*> GetCounter(const std::string& name, const LabelValues& labels = {});
  Result<Gauge*> GetGauge(const std::string& name, const LabelValues& labels = {});
  Result<Histogram*> GetHistogram(const std::string& name, const LabelValues& labels = {});

  // Best-effort shortcuts for hot paths: do nothing when the family is missing.
  void Increment(const std::string& name, const LabelValues& labels = {}, uint64_t n = 1);
  void Observe(const std::string& name, const LabelValues& labels, double value);

  // Text format 0.0.4: "# HELP", "# TYPE", then one line per series, families sorted by name.
  std::string Render() const;

 private:
  struct Family;
  Result<Family*> Find(const std::string& name, int type, const LabelValues& labels);
  Status AddFamily(std::unique_ptr<Family> family);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

// The content type of Render()'s output.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace sedun::net
