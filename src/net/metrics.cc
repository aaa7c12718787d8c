// MetricsRegistry and its Prometheus text rendering (exposition format 0.0.4).
// Thread-safety: the family map is guarded by mu_; series values are atomics (counter, gauge) or
// guarded by the histogram's own mutex. Series are never removed, so pointers stay valid.
#include "net/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace sedun::net {
namespace {

enum Type : int { kCounterType = 0, kGaugeType = 1, kHistogramType = 2 };

bool ValidMetricName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool ValidLabelName(std::string_view n) {
  if (n.empty() || n.find(':') != n.npos || n.substr(0, 2) == "__") return false;
  return ValidMetricName(n);
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="x",b="y"} with an optional extra label (le for histogram buckets); "" when no labels.
std::string LabelText(const std::vector<std::string>& names, const LabelValues& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  // Bucket i counts observations <= bounds_[i] (and > bounds_[i-1]); the last is +Inf.
  size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                 bounds_.begin());
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[i];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::Read() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int type = kCounterType;
  std::vector<std::string> label_names;
  std::vector<double> bounds;
  std::map<LabelValues, std::unique_ptr<Counter>> counters;
  std::map<LabelValues, std::unique_ptr<Gauge>> gauges;
  std::map<LabelValues, std::unique_ptr<Histogram>> histograms;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Status MetricsRegistry::AddFamily(std::unique_ptr<Family> family) {
  if (!ValidMetricName(family->name)) return InvalidArgument("metrics: bad name '" + family->name + "'");
  for (const std::string& l : family->label_names) {
    if (!ValidLabelName(l) || (family->type == kHistogramType && l == "le")) {
      return InvalidArgument("metrics: bad label name '" + l + "' in " + family->name);
    }
  }
  for (size_t i = 0; i < family->bounds.size(); ++i) {
    if (!std::isfinite(family->bounds[i]) || (i > 0 && family->bounds[i] <= family->bounds[i - 1])) {
      return InvalidArgument("metrics: bucket bounds of " + family->name +
                             " must be finite and increasing");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(family->name);
  if (it != families_.end()) {
    const Family& f = *it->second;
    if (f.type == family->type && f.label_names == family->label_names && f.bounds == family->bounds) {
      return Status::Ok();
    }
    return AlreadyExists("metrics: " + family->name + " is already declared differently");
  }
  std::string name = family->name;
  families_.emplace(std::move(name), std::move(family));
  return Status::Ok();
}

Status MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names) {
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = kCounterType;
  f->label_names = std::move(label_names);
  return AddFamily(std::move(f));
}

Status MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = kGaugeType;
  f->label_names = std::move(label_names);
  return AddFamily(std::move(f));
}

Status MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = kHistogramType;
  f->label_names = std::move(label_names);
  f->bounds = std::move(bounds);
  return AddFamily(std::move(f));
}

Result<MetricsRegistry::Family*> MetricsRegistry::Find(const std::string& name, int type,
                                                       const LabelValues& labels) {
  auto it = families_.find(name);
  if (it == families_.end() || it->second->type != type) {
    return NotFound("metrics: no such metric " + name);
  }
  if (it->second->label_names.size() != labels.size()) {
    return InvalidArgument("metrics: " + name + " takes " +
                           std::to_string(it->second->label_names.size()) + " labels");
  }
  return it->second.get();
}

Result<Counter*> MetricsRegistry::GetCounter(const std::string& name, const LabelValues& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  SEDUN_ASSIGN_OR_RETURN(Family * f, Find(name, kCounterType, labels));
  auto& slot = f->counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Result<Gauge*> MetricsRegistry::GetGauge(const std::string& name, const LabelValues& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  SEDUN_ASSIGN_OR_RETURN(Family * f, Find(name, kGaugeType, labels));
  auto& slot = f->gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Result<Histogram*> MetricsRegistry::GetHistogram(const std::string& name,
                                                 const LabelValues& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  SEDUN_ASSIGN_OR_RETURN(Family * f, Find(name, kHistogramType, labels));
  auto& slot = f->histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(f->bounds);
  return slot.get();
}

void MetricsRegistry::Increment(const std::string& name, const LabelValues& labels, uint64_t n) {
  Result<Counter*> c = GetCounter(name, labels);
  if (c.ok()) (*c)->Increment(n);
}

void MetricsRegistry::Observe(const std::string& name, const LabelValues& labels, double value) {
  Result<Histogram*> h = GetHistogram(name, labels);
  if (h.ok()) (*h)->Observe(value);
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    static const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + EscapeHelp(f->help) + "\n";
    out += "# TYPE " + name + " " + kTypeNames[f->type] + "\n";
    for (const auto& [labels, c] : f->counters) {
      out += name + LabelText(f->label_names, labels) + " " + std::to_string(c->Value()) + "\n";
    }
    for (const auto& [labels, g] : f->gauges) {
      out += name + LabelText(f->label_names, labels) + " " + std::to_string(g->Value()) + "\n";
    }
    for (const auto& [labels, h] : f->histograms) {
      Histogram::Snapshot s = h->Read();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le = i < s.bounds.size() ? FormatDouble(s.bounds[i]) : "+Inf";
        out += name + "_bucket" + LabelText(f->label_names, labels, "le", le) + " " +
               std::to_string(s.cumulative[i]) + "\n";
      }
      out += name + "_sum" + LabelText(f->label_names, labels) + " " + FormatDouble(s.sum) + "\n";
      out += name + "_count" + LabelText(f->label_names, labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

}  // namespace sedun::net
