// Routes of the svs role (docs/api/openapi.json, tag "svs"): signature and certificate
// verification (JR/T 0093.6 7.3.1.3, 7.3.2.2, 7.3.2.3) and server signatures for the
// film-shield login challenge and transaction pre-submit (film-shield 2.3.2).
//
// A verification that fails is still a successful call: 200 with "valid": false and the code
// saying why, so a business system can tell "the signature is bad" (an answer) from "the request
// was malformed" (4xx). Every svs call is an operator call: svs serves the bank's back end, and
// a public signing endpoint would let anyone obtain server signatures the card trusts.
#include <string>

#include "net/json_response.h"
#include "server/api_codec.h"
#include "server/routes.h"

namespace sedun::server {

using net::HttpRequest;
using net::HttpResponse;

Status AddSvsRoutes(net::Router& router, const OperatorAuth& auth, net::MetricsRegistry& metrics,
                    std::shared_ptr<const svs::VerificationService> service, size_t max_batch) {
  SEDUN_RETURN_IF_ERROR(metrics.AddCounter("sedun_svs_verifications_total",
                                           "Signature verifications, by result code", {"code"}));
  SEDUN_RETURN_IF_ERROR(
      metrics.AddCounter("sedun_svs_signatures_total", "Server signatures made", {}));
  net::MetricsRegistry* m = &metrics;

  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/svs/verify", Caller::kOperator, Exposure::kTlsOnly,
      [service, m](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto verify = ParseVerifyRequest(*body);
        if (!verify.ok()) return net::ErrorResponse(verify.status(), request);
        svs::VerifyResult result = service->VerifySignedData(*verify);
        m->Increment("sedun_svs_verifications_total", {std::string(result.code())});
        return net::JsonResponse(VerifyResultJson(result));
      }));

  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/svs/verify/batch", Caller::kOperator, Exposure::kTlsOnly,
      [service, m, max_batch](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto items = ParseBatchRequest(*body, max_batch);
        if (!items.ok()) return net::ErrorResponse(items.status(), request);
        auto results = service->BatchVerify(*items);
        if (!results.ok()) return net::ErrorResponse(results.status(), request);
        nlohmann::json list = nlohmann::json::array();
        for (const svs::VerifyResult& result : *results) {
          m->Increment("sedun_svs_verifications_total", {std::string(result.code())});
          list.push_back(VerifyResultJson(result));
        }
        return net::JsonResponse({{"results", list}});
      }));

  // JR/T 0093.6 6.2.3: the "verify certificate validity" interface; "expiring_soon" tells the
  // client to renew.
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/svs/certificates/validate", Caller::kOperator, Exposure::kTlsOnly,
      [service](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto validate = ParseValidateRequest(*body);
        if (!validate.ok()) return net::ErrorResponse(validate.status(), request);
        return net::JsonResponse(VerifyResultJson(
            service->ValidateCertificate(validate->certificate, validate->registered_serials)));
      }));

  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/svs/sign", Caller::kOperator, Exposure::kTlsOnly,
      [service, m](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto data = ParseSignRequest(*body);
        if (!data.ok()) return net::ErrorResponse(data.status(), request);
        auto signature = service->SignData(*data);
        if (!signature.ok()) return net::ErrorResponse(signature.status(), request);
        m->Increment("sedun_svs_signatures_total");
        return net::JsonResponse(ServerSignatureJson(*signature));
      }));
  return Status::Ok();
}

}  // namespace sedun::server
