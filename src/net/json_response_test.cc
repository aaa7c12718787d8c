// Status -> HTTP mapping table, error body shape and safe JSON parsing.
#include "net/json_response.h"

#include <gtest/gtest.h>

namespace sedun::net {
namespace {

TEST(JsonResponseTest, StatusMappingTable) {
  struct Row {
    Code code;
    int http;
    const char* name;
  };
  const Row rows[] = {
      {Code::kInvalidArgument, 400, "invalid_argument"},
      {Code::kMalformed, 400, "malformed"},
      {Code::kUnsupported, 400, "unsupported"},
      {Code::kVerifyFailed, 422, "verification_failed"},
      {Code::kNotFound, 404, "not_found"},
      {Code::kAlreadyExists, 409, "already_exists"},
      {Code::kFailedPrecondition, 409, "failed_precondition"},
      {Code::kPermissionDenied, 403, "permission_denied"},
      {Code::kResourceExhausted, 413, "too_large"},
      {Code::kAborted, 503, "unavailable"},
      {Code::kUnavailable, 503, "unavailable"},
      {Code::kCrypto, 500, "internal_error"},
      {Code::kIo, 500, "internal_error"},
      {Code::kInternal, 500, "internal_error"},
  };
  for (const Row& row : rows) {
    HttpErrorMapping m = MapStatus(row.code);
    EXPECT_EQ(m.http_status, row.http) << CodeName(row.code);
    EXPECT_EQ(m.code, row.name) << CodeName(row.code);
  }
}

TEST(JsonResponseTest, ErrorBodyShapeAndClientMessage) {
  HttpRequest req;
  req.request_id = "abc-123";
  HttpResponse res = ErrorResponse(NotFound("certificate 0a not found"), req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/json");
  nlohmann::json body = nlohmann::json::parse(res.body);
  ASSERT_EQ(body.size(), 1u);
  ASSERT_EQ(body["error"].size(), 3u);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], "certificate 0a not found");
  EXPECT_EQ(body["error"]["request_id"], "abc-123");
}

TEST(JsonResponseTest, ServerErrorsHideTheirCause) {
  HttpRequest req;
  req.request_id = "r";
  HttpResponse res = ErrorResponse(IoError("open /var/lib/sedun/db: permission denied"), req);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("/var/lib"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"]["message"], "internal error");
  HttpResponse busy = ErrorResponse(Aborted("SQLITE_BUSY on table ledger"), req);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.body.find("SQLITE"), std::string::npos);
  EXPECT_EQ(busy.headers.count("Retry-After"), 1u);
  // An OK status is a bug of the caller: 500, not 200.
  EXPECT_EQ(ErrorResponse(Status::Ok(), req).status, 500);
}

TEST(JsonResponseTest, JsonResponseReplacesInvalidUtf8) {
  HttpResponse res = JsonResponse({{"name", std::string("a\xff" "b")}}, 201);
  EXPECT_EQ(res.status, 201);
  EXPECT_TRUE(nlohmann::json::accept(res.body));
}

TEST(JsonResponseTest, ParseJsonReportsPositionNotContent) {
  Result<nlohmann::json> r = ParseJson(R"({"password":"hunter2" "x":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kMalformed);
  EXPECT_NE(r.status().message().find("byte 25"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);

  EXPECT_EQ(ParseJson("").status().code(), Code::kMalformed);
  EXPECT_EQ(ParseJson("{\"a\":1} trailing").status().code(), Code::kMalformed);
  EXPECT_EQ(ParseJson("\"\xc3\x28\"").status().code(), Code::kMalformed);  // bad UTF-8
  EXPECT_TRUE(ParseJson(R"({"a":[1,2,{"b":"[[[[\"]]"}]})").ok());
}

TEST(JsonResponseTest, ParseJsonLimits) {
  JsonLimits limits;
  limits.max_depth = 4;
  limits.max_bytes = 64;
  EXPECT_TRUE(ParseJson("[[[[1]]]]", limits).ok());
  Result<nlohmann::json> deep = ParseJson("[[[[[1]]]]]", limits);
  EXPECT_EQ(deep.status().code(), Code::kMalformed);
  EXPECT_NE(deep.status().message().find("deeper"), std::string::npos);
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJson(R"(["[[[[[[[[["])", limits).ok());
  EXPECT_EQ(ParseJson(std::string(65, ' '), limits).status().code(), Code::kResourceExhausted);
  // A hostile depth never reaches the parser.
  EXPECT_EQ(ParseJson(std::string(100000, '[')).status().code(), Code::kMalformed);
}

TEST(JsonResponseTest, ParseJsonObjectAndFields) {
  HttpRequest req;
  req.body = "[1]";
  EXPECT_EQ(ParseJsonObject(req).status().code(), Code::kMalformed);
  req.body = "";
  EXPECT_EQ(ParseJsonObject(req).status().code(), Code::kMalformed);
  req.body = R"({"name":"a","n":-5,"big":18446744073709551615,"f":1.5,"flag":true,"nil":null})";
  Result<nlohmann::json> obj = ParseJsonObject(req);
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(*RequireString(*obj, "name"), "a");
  EXPECT_EQ(RequireString(*obj, "n").status().code(), Code::kInvalidArgument);
  EXPECT_NE(RequireString(*obj, "missing").status().message().find("missing"), std::string::npos);
  EXPECT_EQ(RequireString(*obj, "nil").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*OptionalString(*obj, "missing", "dflt"), "dflt");
  EXPECT_EQ(*OptionalString(*obj, "nil", "dflt"), "dflt");
  EXPECT_EQ(OptionalString(*obj, "n").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*RequireInt(*obj, "n"), -5);
  EXPECT_EQ(RequireInt(*obj, "big").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RequireInt(*obj, "f").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RequireInt(*obj, "name").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(*OptionalBool(*obj, "flag", false));
  EXPECT_FALSE(*OptionalBool(*obj, "missing", false));
  EXPECT_EQ(OptionalBool(*obj, "n", false).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::net
