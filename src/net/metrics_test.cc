// MetricsRegistry: declaration rules, concurrency and the Prometheus text format.
#include "net/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace sedun::net {
namespace {

// Every line of the exposition format 0.0.4 is a comment (# HELP / # TYPE) or a sample:
// name{label="value",...} number.
void ExpectValidExposition(const std::string& text) {
  static const std::regex kHelp(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  static const std::regex kType(R"(^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram)$)");
  static const std::regex kSample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$)");
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    bool ok = std::regex_match(line, kHelp) || std::regex_match(line, kType) ||
              std::regex_match(line, kSample);
    EXPECT_TRUE(ok) << "bad exposition line: " << line;
  }
}

TEST(MetricsTest, CounterWithLabelsRendersAndEscapes) {
  MetricsRegistry m;
  ASSERT_TRUE(m.AddCounter("sedun_ca_certificates_issued_total", "Certificates issued.", {"profile"}).ok());
  m.Increment("sedun_ca_certificates_issued_total", {"user"});
  m.Increment("sedun_ca_certificates_issued_total", {"user"}, 2);
  m.Increment("sedun_ca_certificates_issued_total", {"we\"ird\\\nname"});
  std::string text = m.Render();
  ExpectValidExposition(text);
  EXPECT_NE(text.find("# TYPE sedun_ca_certificates_issued_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("sedun_ca_certificates_issued_total{profile=\"user\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("{profile=\"we\\\"ird\\\\\\nname\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramIsCumulative) {
  MetricsRegistry m;
  ASSERT_TRUE(m.AddHistogram("lat_seconds", "Latency.", {"route"}, {0.1, 1}).ok());
  m.Observe("lat_seconds", {"/x"}, 0.05);
  m.Observe("lat_seconds", {"/x"}, 0.1);  // on the bound: counts in le="0.1"
  m.Observe("lat_seconds", {"/x"}, 0.5);
  m.Observe("lat_seconds", {"/x"}, 7);
  std::string text = m.Render();
  ExpectValidExposition(text);
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_sum{route=\"/x\"} 7.65\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{route=\"/x\"} 4\n"), std::string::npos);
}

TEST(MetricsTest, GaugeAndUnlabelled) {
  MetricsRegistry m;
  ASSERT_TRUE(m.AddGauge("in_flight", "Now.").ok());
  Result<Gauge*> g = m.GetGauge("in_flight");
  ASSERT_TRUE(g.ok());
  (*g)->Add(3);
  (*g)->Add(-1);
  std::string text = m.Render();
  ExpectValidExposition(text);
  EXPECT_NE(text.find("\nin_flight 2\n"), std::string::npos) << text;
}

TEST(MetricsTest, DeclarationRules) {
  MetricsRegistry m;
  EXPECT_EQ(m.AddCounter("1bad", "x").code(), Code::kInvalidArgument);
  EXPECT_EQ(m.AddCounter("bad-name", "x").code(), Code::kInvalidArgument);
  EXPECT_EQ(m.AddCounter("ok_total", "x", {"__reserved"}).code(), Code::kInvalidArgument);
  EXPECT_EQ(m.AddHistogram("h", "x", {"le"}, {1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(m.AddHistogram("h", "x", {}, {2, 1}).code(), Code::kInvalidArgument);
  ASSERT_TRUE(m.AddCounter("ok_total", "x", {"a"}).ok());
  EXPECT_TRUE(m.AddCounter("ok_total", "x", {"a"}).ok());  // same again: fine
  EXPECT_EQ(m.AddCounter("ok_total", "x", {"b"}).code(), Code::kAlreadyExists);
  EXPECT_EQ(m.AddGauge("ok_total", "x", {"a"}).code(), Code::kAlreadyExists);
  EXPECT_EQ(m.GetCounter("ok_total", {}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(m.GetCounter("missing", {}).status().code(), Code::kNotFound);
  EXPECT_EQ(m.GetGauge("ok_total", {"a"}).status().code(), Code::kNotFound);
  m.Increment("missing");  // best effort: no effect, no crash
  EXPECT_EQ(m.Render().find("missing"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrements) {
  MetricsRegistry m;
  ASSERT_TRUE(m.AddCounter("c_total", "x", {"k"}).ok());
  ASSERT_TRUE(m.AddHistogram("h", "x", {}, {1}).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 1000; ++i) {
        m.Increment("c_total", {t % 2 ? "odd" : "even"});
        m.Observe("h", {}, 0.5);
        if (i % 100 == 0) (void)m.Render();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((*m.GetCounter("c_total", {"odd"}))->Value(), 2000u);
  EXPECT_EQ((*m.GetCounter("c_total", {"even"}))->Value(), 2000u);
  EXPECT_EQ((*m.GetHistogram("h"))->Read().count, 4000u);
}

}  // namespace
}  // namespace sedun::net
