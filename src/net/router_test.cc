// Router: matching, captures, 404/405/413/415/401 before the handler, throwing handlers.
#include "net/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "net/json_response.h"

namespace sedun::net {
namespace {

HttpResponse Echo(const HttpRequest& r) {
  nlohmann::json params = r.path_params;
  return JsonResponse({{"route", r.route}, {"params", params}});
}

HttpRequest Req(std::string method, std::string path, std::string body = {},
                std::string content_type = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.emplace("Content-Type", content_type);
  r.request_id = "req-1";
  return r;
}

nlohmann::json Body(const HttpResponse& res) { return nlohmann::json::parse(res.body); }

TEST(RouterTest, CapturesAndLiteralPrecedence) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/ca/certificates/{serial}", Echo).ok());
  ASSERT_TRUE(router.Add("GET", "/v1/ca/certificates/latest", Echo).ok());
  ASSERT_TRUE(router.Add("GET", "/v1/ca/{kind}/{id}/status", Echo).ok());

  HttpRequest r = Req("GET", "/v1/ca/certificates/0a1b");
  HttpResponse res = router.Dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(Body(res)["route"], "/v1/ca/certificates/{serial}");
  EXPECT_EQ(Body(res)["params"]["serial"], "0a1b");
  EXPECT_EQ(r.PathParam("serial"), "0a1b");

  HttpRequest latest = Req("GET", "/v1/ca/certificates/latest");
  EXPECT_EQ(Body(router.Dispatch(latest))["route"], "/v1/ca/certificates/latest");

  HttpRequest two = Req("GET", "/v1/ca/users/7/status");
  res = router.Dispatch(two);
  EXPECT_EQ(Body(res)["params"]["kind"], "users");
  EXPECT_EQ(Body(res)["params"]["id"], "7");
}

TEST(RouterTest, UnknownPathIs404WithErrorBody) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/x/{id}", Echo).ok());
  for (const char* path : {"/v1/y", "/v1/x", "/v1/x/", "/v1/x/1/2", "/"}) {
    HttpRequest r = Req("GET", path);
    HttpResponse res = router.Dispatch(r);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(Body(res)["error"]["code"], "not_found");
    EXPECT_EQ(Body(res)["error"]["request_id"], "req-1");
  }
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/items/{id}", Echo).ok());
  ASSERT_TRUE(router.Add("DELETE", "/v1/items/{id}", Echo).ok());
  HttpRequest r = Req("POST", "/v1/items/3");
  HttpResponse res = router.Dispatch(r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(Body(res)["error"]["code"], "method_not_allowed");
  auto allow = res.headers.find("allow");
  ASSERT_NE(allow, res.headers.end());
  EXPECT_EQ(allow->second, "DELETE, GET, HEAD");
  // HEAD is served by GET.
  HttpRequest head = Req("HEAD", "/v1/items/3");
  EXPECT_EQ(router.Dispatch(head).status, 200);
}

TEST(RouterTest, BodyLimitIs413BeforeTheHandler) {
  Router router;
  router.set_default_max_body_bytes(16);
  int calls = 0;
  auto counting = [&](const HttpRequest&) {
    ++calls;
    return JsonResponse({{"ok", true}});
  };
  ASSERT_TRUE(router.Add("POST", "/small", counting).ok());
  RouteOptions big;
  big.max_body_bytes = 64;
  ASSERT_TRUE(router.Add("POST", "/big", counting, big).ok());
  EXPECT_EQ(router.MaxBodyBytesOfAnyRoute(), 64u);

  HttpRequest ok = Req("POST", "/small", std::string(16, 'a'));
  EXPECT_EQ(router.Dispatch(ok).status, 200);
  HttpRequest over = Req("POST", "/small", std::string(17, 'a'));
  HttpResponse res = router.Dispatch(over);
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(Body(res)["error"]["code"], "payload_too_large");
  HttpRequest big_ok = Req("POST", "/big", std::string(64, 'a'));
  EXPECT_EQ(router.Dispatch(big_ok).status, 200);
  HttpRequest big_over = Req("POST", "/big", std::string(65, 'a'));
  EXPECT_EQ(router.Dispatch(big_over).status, 413);
  EXPECT_EQ(calls, 2);
}

TEST(RouterTest, ContentTypeIs415ForJsonRoutes) {
  Router router;
  int calls = 0;
  ASSERT_TRUE(router.Add("POST", "/v1/json", [&](const HttpRequest&) {
    ++calls;
    return JsonResponse({});
  }, JsonRoute()).ok());
  HttpRequest good = Req("POST", "/v1/json", "{}", "Application/JSON; charset=utf-8");
  EXPECT_EQ(router.Dispatch(good).status, 200);
  HttpRequest bad = Req("POST", "/v1/json", "{}", "text/plain");
  HttpResponse res = router.Dispatch(bad);
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(Body(res)["error"]["code"], "unsupported_media_type");
  HttpRequest none = Req("POST", "/v1/json", "{}");
  EXPECT_EQ(router.Dispatch(none).status, 415);
  // An empty body needs no type (the handler decides whether a body is required).
  HttpRequest empty = Req("POST", "/v1/json");
  EXPECT_EQ(router.Dispatch(empty).status, 200);
  EXPECT_EQ(calls, 2);
}

TEST(RouterTest, ClientCertificateRequired) {
  Router router;
  RouteOptions opt;
  opt.require_client_cert = true;
  ASSERT_TRUE(router.Add("GET", "/v1/admin", Echo, opt).ok());
  HttpRequest anon = Req("GET", "/v1/admin");
  HttpResponse res = router.Dispatch(anon);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(Body(res)["error"]["code"], "client_certificate_required");
  HttpRequest with = Req("GET", "/v1/admin");
  with.client_cert = ClientCertificate{{1, 2, 3}, "CN=x", "CN=ca", "01"};
  EXPECT_EQ(router.Dispatch(with).status, 200);
}

TEST(RouterTest, ThrowingHandlerIs500WithRequestIdAndNoCause) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret-internal-detail");
  }).ok());
  ASSERT_TRUE(router.Add("GET", "/boom2", [](const HttpRequest&) -> HttpResponse { throw 42; }).ok());
  for (const char* path : {"/boom", "/boom2"}) {
    HttpRequest r = Req("GET", path);
    HttpResponse res = router.Dispatch(r);
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(Body(res)["error"]["code"], "internal_error");
    EXPECT_EQ(Body(res)["error"]["request_id"], "req-1");
    EXPECT_EQ(res.body.find("secret-internal-detail"), std::string::npos);
  }
}

TEST(RouterTest, AddRejectsBadPatternsAndDuplicates) {
  Router router;
  EXPECT_EQ(router.Add("GET", "v1/x", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("FETCH", "/v1/x", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/v1/{a}/{a}", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/v1/{a-b}", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/v1//x", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/v1/x?y", Echo).code(), Code::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/v1/x", nullptr).code(), Code::kInvalidArgument);
  ASSERT_TRUE(router.Add("GET", "/v1/{id}", Echo).ok());
  EXPECT_EQ(router.Add("GET", "/v1/{other}", Echo).code(), Code::kAlreadyExists);
  EXPECT_TRUE(router.Add("PUT", "/v1/{id}", Echo).ok());
  EXPECT_EQ(router.MatchPattern("/v1/abc"), "/v1/{id}");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(router.Routes(), (Pairs{{"GET", "/v1/{id}"}, {"PUT", "/v1/{id}"}}));  // failed Adds absent
  EXPECT_EQ(router.MatchPattern("/nope"), "");
}

TEST(RouterTest, RequestAccessors) {
  HttpRequest r = Req("POST", "/x", "{}", " application/json ; charset=utf-8");
  r.headers.emplace("X-Thing", "1");
  r.query.emplace("page", "2");
  EXPECT_EQ(r.Header("x-thing"), "1");
  EXPECT_EQ(r.Header("CONTENT-TYPE"), " application/json ; charset=utf-8");
  EXPECT_TRUE(r.HasHeader("X-THING"));
  EXPECT_EQ(r.Header("missing"), "");
  EXPECT_EQ(r.MediaType(), "application/json");
  EXPECT_EQ(r.Query("page"), "2");
  EXPECT_FALSE(r.Query("none").has_value());
}

}  // namespace
}  // namespace sedun::net
