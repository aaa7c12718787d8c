// HttpServer over real sockets (plain HTTP here; TLS in tls_server_test.cc): built-in routes,
// request ids, error bodies, transport errors, access log, binding rules, IPv6, graceful stop.
#include "net/http_server.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <sstream>
#include <thread>

#include "net/http_client.h"
#include "net/json_response.h"
#include "net/net_test_util.h"

namespace sedun::net {
namespace {

using namespace sedun::net::testing;

std::string Url(const HttpServer& s, const std::string& path, size_t i = 0) {
  const BoundListener& b = s.bound()[i];
  std::string host = b.ipv6 ? "[" + (b.host == "::" ? std::string("::1") : b.host) + "]"
                            : (b.host == "0.0.0.0" ? std::string("127.0.0.1") : b.host);
  return std::string(b.tls ? "https://" : "http://") + host + ":" + std::to_string(b.port) + path;
}

nlohmann::json Json(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

TEST(ParseListenAddressTest, Forms) {
  Result<ListenAddress> a = ParseListenAddress("0.0.0.0:8443");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 8443);
  EXPECT_FALSE(a->ipv6);
  a = ParseListenAddress("[::]:0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::");
  EXPECT_TRUE(a->ipv6);
  EXPECT_EQ(a->port, 0);
  for (const char* bad : {"", "8443", "host", ":80", "[::]", "[::]80", "::1:80", "h:65536", "h:8x",
                          "h:", "[host]:80", "[::1:80"}) {
    EXPECT_EQ(ParseListenAddress(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(HttpServerTest, ConfigErrors) {
  HttpServerConfig none;
  EXPECT_EQ(HttpServer(none).Start().code(), Code::kInvalidArgument);
  HttpServerConfig bad = LocalConfig();
  bad.listeners[0].address = "localhost";
  EXPECT_EQ(HttpServer(bad).Start().code(), Code::kInvalidArgument);
  HttpServerConfig tls = LocalConfig(true);
  EXPECT_EQ(HttpServer(tls).Start().code(), Code::kInvalidArgument);  // no cert or key
  tls.tls.cert_chain_file = "/nonexistent/cert.pem";
  tls.tls.key_file = "/nonexistent/key.pem";
  Status s = HttpServer(tls).Start();
  EXPECT_EQ(s.code(), Code::kIo);
  EXPECT_NE(s.message().find("/nonexistent/cert.pem"), std::string::npos);
}

TEST(HttpServerTest, HealthReadyAndMetrics) {
  HttpServer server(LocalConfig());
  auto db_up = std::make_shared<std::atomic<bool>>(true);
  server.AddReadinessCheck("database", [db_up] {
    return db_up->load() ? Status::Ok() : Unavailable("connection refused to db.internal:5432");
  });
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.port(), 0);
  HttpClient client;

  Result<HttpResponse> health = client.Get(Url(server, "/healthz"));
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json(*health), nlohmann::json({{"status", "ok"}}));

  Result<HttpResponse> ready = client.Get(Url(server, "/readyz"));
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(Json(*ready)["checks"]["database"], "ok");
  db_up->store(false);
  ready = client.Get(Url(server, "/readyz"));
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(Json(*ready)["status"], "not_ready");
  EXPECT_EQ(Json(*ready)["failed"], nlohmann::json::array({"database"}));
  EXPECT_EQ(ready->body.find("db.internal"), std::string::npos);  // cause logged, not shown

  ASSERT_TRUE(client.Get(Url(server, "/nope?x=1")).ok());
  Result<HttpResponse> metrics = client.Get(Url(server, "/metrics"));
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->content_type.find("version=0.0.4"), std::string::npos);
  const std::string& text = metrics->body;
  {
    // Exposition format lines: comments, or "<name>{labels} <value>".
    std::istringstream in(text);
    std::string line;
    int samples = 0;
    while (std::getline(in, line)) {
      if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
      size_t space = line.rfind(' ');
      ASSERT_NE(space, std::string::npos) << line;
      std::string value = line.substr(space + 1);
      EXPECT_TRUE(value == "+Inf" || value.find_first_not_of("0123456789.e+-") == std::string::npos)
          << line;
      ++samples;
    }
    EXPECT_GT(samples, 10);
  }
  EXPECT_NE(text.find("sedun_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"200\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("sedun_http_requests_total{method=\"GET\",route=\"/readyz\",code=\"503\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("sedun_http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("sedun_http_request_duration_seconds_count{route=\"/readyz\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("sedun_http_requests_in_flight 1\n"), std::string::npos);  // this request
  // The raw path never becomes a label.
  EXPECT_EQ(text.find("/nope"), std::string::npos);
}

TEST(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  HttpServer server(LocalConfig());
  ASSERT_TRUE(server.Start().ok());
  std::string url = Url(server, "/missing");
  // curl is the outside client here.
  std::string out = MustRun("curl -s -i -H 'X-Request-Id: abc-123.x_y:z' " + ShellQuote(url));
  EXPECT_NE(out.find("HTTP/1.1 404"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Request-Id: abc-123.x_y:z\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\"request_id\":\"abc-123.x_y:z\""), std::string::npos);

  HttpClient client;
  for (const std::string& insane : {std::string("has space"), std::string(129, 'a'), std::string("a\"b")}) {
    Result<HttpResponse> r = client.Get(url, {{"X-Request-Id", insane}});
    ASSERT_TRUE(r.ok());
    auto id = r->headers.find("X-Request-Id");
    ASSERT_NE(id, r->headers.end());
    EXPECT_NE(id->second, insane);
    EXPECT_EQ(id->second.size(), 32u);
    EXPECT_EQ(Json(*r)["error"]["request_id"], id->second);
  }
}

TEST(HttpServerTest, JsonIsNeverCompressed) {
  HttpServer server(LocalConfig());
  ASSERT_TRUE(server.router().Add("GET", "/v1/token", [](const HttpRequest& r) {
    // A secret beside reflected input: what BREACH needs compression for.
    return JsonResponse({{"token", "0123456789abcdef"}, {"echo", r.Query("q").value_or("")},
                         {"pad", std::string(2000, 'x')}});
  }).ok());
  ASSERT_TRUE(server.Start().ok());
  std::string out = MustRun("curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip, deflate, br' " +
                            ShellQuote(Url(server, "/v1/token?q=token")));
  EXPECT_EQ(out.find("Content-Encoding"), std::string::npos) << out;
  EXPECT_NE(out.find("Content-Type: application/json; charset=utf-8"), std::string::npos) << out;
}

TEST(HttpServerTest, MalformedJsonIs400AndChangesNothing) {
  HttpServer server(LocalConfig());
  auto stored = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(server.router().Add("POST", "/v1/things", [stored](const HttpRequest& req) {
    Result<nlohmann::json> body = ParseJsonObject(req);
    if (!body.ok()) return ErrorResponse(body.status(), req);
    Result<std::string> name = RequireString(*body, "name");
    if (!name.ok()) return ErrorResponse(name.status(), req);
    stored->fetch_add(1);
    return JsonResponse({{"name", *name}}, 201);
  }, JsonRoute()).ok());
  ASSERT_TRUE(server.Start().ok());
  std::string url = Url(server, "/v1/things");

  std::string out = MustRun("curl -s -i -H 'Content-Type: application/json' --data-binary '{\"name\":' " +
                            ShellQuote(url));
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
  std::string body = out.substr(out.find("\r\n\r\n") + 4);
  nlohmann::json j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"]["code"], "malformed");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("byte"), std::string::npos);
  EXPECT_FALSE(j["error"]["request_id"].get<std::string>().empty());

  HttpClient client;
  Result<HttpResponse> r = client.Post(url, R"({"nom":"x"})", "application/json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json(*r)["error"]["code"], "invalid_argument");
  r = client.Post(url, R"({"name":"x"})", "text/plain");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(stored->load(), 0);
  r = client.Post(url, R"({"name":"x"})", "application/json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(stored->load(), 1);
  r = client.Send("DELETE", url, {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers.find("Allow")->second, "POST");
}

TEST(HttpServerTest, TransportErrorsGetJsonBodies) {
  HttpServerConfig cfg = LocalConfig();
  cfg.max_body_bytes = 1024;
  HttpServer server(cfg);
  auto calls = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(server.router().Add("POST", "/v1/echo", [calls](const HttpRequest& req) {
    calls->fetch_add(1);
    return JsonResponse({{"n", req.body.size()}});
  }).ok());
  ASSERT_TRUE(server.Start().ok());

  std::string garbage = RawExchange(server.port(), "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400", 0), 0u) << garbage;
  EXPECT_NE(garbage.find("X-Request-Id: "), std::string::npos);
  EXPECT_NE(garbage.find("{\"error\":{\"code\":\"malformed\""), std::string::npos) << garbage;

  HttpClient client;
  Result<HttpResponse> big = client.Post(Url(server, "/v1/echo"), std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Json(*big)["error"]["code"], "payload_too_large");
  EXPECT_EQ(calls->load(), 0);
  Result<HttpResponse> fits = client.Post(Url(server, "/v1/echo"), std::string(1024, 'x'), "text/plain");
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->status, 200);
}

TEST(HttpServerTest, CompressedBodyCannotExceedTheLimit) {
  HttpServerConfig cfg = LocalConfig();
  cfg.max_body_bytes = 4096;
  HttpServer server(cfg);
  auto largest = std::make_shared<std::atomic<size_t>>(0);
  ASSERT_TRUE(server.router().Add("POST", "/v1/echo", [largest](const HttpRequest& req) {
    largest->store(std::max(largest->load(), req.body.size()));
    return JsonResponse({});
  }).ok());
  ASSERT_TRUE(server.Start().ok());
  TempDir dir;
  // 8 MiB of zeros gzip to a few KiB.
  MustRun("head -c 8388608 /dev/zero | gzip -9 > " + ShellQuote(dir.File("bomb.gz")));
  std::string out = MustRun("curl -s -o /dev/null -w '%{http_code}' -H 'Content-Encoding: gzip' "
                            "-H 'Content-Type: application/octet-stream' --data-binary @" +
                            ShellQuote(dir.File("bomb.gz")) + " " + ShellQuote(Url(server, "/v1/echo")));
  EXPECT_EQ(out, "413");
  EXPECT_LE(largest->load(), 4096u);
}

TEST(HttpServerTest, AccessLogIsOneJsonObjectPerLineWithoutQueryOrBody) {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto logger = std::make_shared<spdlog::logger>("access-test", sink);
  logger->set_pattern("%v");
  HttpServerConfig cfg = LocalConfig();
  cfg.access_log = true;
  cfg.access_logger = logger;
  HttpServer server(cfg);
  ASSERT_TRUE(server.router().Add("POST", "/v1/login/{user}", [](const HttpRequest&) {
    return JsonResponse({{"ok", true}});
  }).ok());
  ASSERT_TRUE(server.Start().ok());
  HttpClient client;
  Result<HttpResponse> r = client.Post(Url(server, "/v1/login/alice?token=s3cret-token"),
                                       R"({"password":"hunter2"})", "application/json",
                                       {{"X-Request-Id", "log-test-1"}});
  ASSERT_TRUE(r.ok());
  server.Stop();
  logger->flush();
  std::string text = stream->str();
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("alice"), std::string::npos);
  std::istringstream in(text);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j["request_id"], "log-test-1");
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["route"], "/v1/login/{user}");
    EXPECT_EQ(j["status"], 200);
    EXPECT_TRUE(j["duration_ms"].is_number());
    EXPECT_EQ(j["remote"], "127.0.0.1");
    EXPECT_EQ(j["bytes_in"], 22);
    EXPECT_TRUE(j["time"].get<std::string>().ends_with("Z"));
  }
  EXPECT_EQ(lines, 1);
}

TEST(HttpServerTest, PortInUseFailsClearly) {
  HttpServer first(LocalConfig());
  ASSERT_TRUE(first.Start().ok());
  HttpServerConfig cfg = LocalConfig();
  cfg.listeners = {{"127.0.0.1:0", false}, {"127.0.0.1:" + std::to_string(first.port()), false}};
  HttpServer second(cfg);
  Status s = second.Start();
  EXPECT_EQ(s.code(), Code::kIo);
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos);
  EXPECT_FALSE(second.running());
  EXPECT_TRUE(second.bound().empty());
  // The first still serves.
  EXPECT_EQ(HttpClient().Get(Url(first, "/healthz"))->status, 200);
}

TEST(HttpServerTest, Ipv6Loopback) {
  if (!HaveIpv6Loopback()) GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
  HttpServerConfig cfg = LocalConfig();
  cfg.listeners = {{"[::1]:0", false}};
  HttpServer server(cfg);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_TRUE(server.bound()[0].ipv6);
  Result<HttpResponse> r = HttpClient().Get(Url(server, "/healthz"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  std::string out = MustRun("curl -s -g " + ShellQuote(Url(server, "/healthz")));
  EXPECT_EQ(out, "{\"status\":\"ok\"}");
  EXPECT_FALSE(TcpConnects("127.0.0.1", server.port()));
}

TEST(HttpServerTest, Ipv4AndIpv6WildcardsOnTheSamePort) {
  if (!HaveIpv6Loopback()) GTEST_SKIP() << "this machine has no IPv6 loopback (::1)";
  auto who = [](std::string name) {
    return [name](const HttpRequest&) { return JsonResponse({{"server", name}}); };
  };
  HttpServerConfig c6 = LocalConfig();
  c6.listeners = {{"[::]:0", false}};
  HttpServer v6(c6);
  ASSERT_TRUE(v6.router().Add("GET", "/who", who("v6")).ok());
  ASSERT_TRUE(v6.Start().ok());
  int port = v6.port();
  HttpServerConfig c4 = LocalConfig();
  c4.listeners = {{"0.0.0.0:" + std::to_string(port), false}};
  HttpServer v4(c4);
  ASSERT_TRUE(v4.router().Add("GET", "/who", who("v4")).ok());
  Status s = v4.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  HttpClient client;
  std::string p = std::to_string(port);
  EXPECT_EQ(Json(*client.Get("http://127.0.0.1:" + p + "/who"))["server"], "v4");
  EXPECT_EQ(Json(*client.Get("http://[::1]:" + p + "/who"))["server"], "v6");

  // And one server holding both listeners on one port.
  v4.Stop();
  v6.Stop();
  HttpServerConfig both = LocalConfig();
  both.listeners = {{"[::]:" + p, false}, {"0.0.0.0:" + p, false}};
  HttpServer dual(both);
  s = dual.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(client.Get("http://127.0.0.1:" + p + "/healthz")->status, 200);
  EXPECT_EQ(client.Get("http://[::1]:" + p + "/healthz")->status, 200);
}

TEST(HttpServerTest, GracefulStopFinishesInFlightAndRefusesNew) {
  HttpServer server(LocalConfig());
  auto entered = std::make_shared<std::promise<void>>();
  ASSERT_TRUE(server.router().Add("GET", "/slow", [entered](const HttpRequest&) {
    entered->set_value();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    return JsonResponse({{"done", true}});
  }).ok());
  ASSERT_TRUE(server.Start().ok());
  int port = server.port();
  std::string url = Url(server, "/slow");
  auto in_flight = std::async(std::launch::async, [url] { return HttpClient().Get(url); });
  entered->get_future().wait();

  auto start = std::chrono::steady_clock::now();
  std::thread stopper([&server] { server.Stop(); });
  // New connections are refused while the slow request is still running.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = !TcpConnects("127.0.0.1", port);
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(refused);
  EXPECT_NE(in_flight.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  stopper.join();
  auto took = std::chrono::steady_clock::now() - start;
  Result<HttpResponse> r = in_flight.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(*r)["done"], true);
  EXPECT_GE(took, std::chrono::milliseconds(500));  // Stop waited for the request
  EXPECT_FALSE(server.running());
}

TEST(HttpServerTest, StopIsBoundedByTheGracePeriod) {
  HttpServerConfig cfg = LocalConfig();
  cfg.shutdown_grace = std::chrono::milliseconds(200);
  auto server = std::make_unique<HttpServer>(cfg);
  auto entered = std::make_shared<std::promise<void>>();
  auto finished = std::make_shared<std::promise<void>>();
  ASSERT_TRUE(server->router().Add("GET", "/stuck", [entered, finished](const HttpRequest&) {
    entered->set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    finished->set_value();
    return JsonResponse({});
  }).ok());
  ASSERT_TRUE(server->Start().ok());
  std::string url = Url(*server, "/stuck");
  auto in_flight = std::async(std::launch::async, [url] { return HttpClient().Get(url); });
  entered->get_future().wait();
  auto start = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  server.reset();  // the detached worker keeps what it needs alive
  finished->get_future().wait();
  Result<HttpResponse> r = in_flight.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the worker unwind
}

}  // namespace
}  // namespace sedun::net
