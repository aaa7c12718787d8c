// Routes of the ca role (docs/api/openapi.json, tag "ca"): JR/T 0093.6 6.2.2-6.2.4, 7.3.1.2;
// film-shield 2.3.1.
#include <string>

#include "base/base64.h"
#include "net/json_response.h"
#include "pki/pkcs7.h"
#include "server/api_codec.h"
#include "server/routes.h"

namespace sedun::server {
namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse Der(Bytes der, std::string content_type) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = std::string(AsChars(der));
  return response;
}

}  // namespace

Status AddRoute(net::Router& router, const OperatorAuth& auth, std::string method,
                std::string pattern, Caller caller, Exposure exposure, net::Handler handler,
                net::RouteOptions options) {
  net::Handler guarded = [&auth, caller, exposure, handler = std::move(handler)](
                             const HttpRequest& request) -> HttpResponse {
    if (exposure == Exposure::kTlsOnly && !request.tls) {
      return net::ErrorResponse(403, "https_required", "this call is served over HTTPS only",
                                request.request_id);
    }
    if (caller == Caller::kOperator) {
      if (auto refused = auth.Check(request)) return *refused;
    }
    return handler(request);
  };
  return router.Add(std::move(method), std::move(pattern), std::move(guarded), std::move(options));
}

Status AddCaRoutes(net::Router& router, const OperatorAuth& auth, net::MetricsRegistry& metrics,
                   ca::CertificationAuthority& authority) {
  SEDUN_RETURN_IF_ERROR(metrics.AddCounter("sedun_ca_certificates_issued_total",
                                           "Certificates issued, by profile", {"profile"}));
  SEDUN_RETURN_IF_ERROR(metrics.AddCounter("sedun_ca_certificates_revoked_total",
                                           "Certificates revoked", {}));
  SEDUN_RETURN_IF_ERROR(metrics.AddCounter("sedun_ca_ocsp_responses_total",
                                           "OCSP responses sent, by response status", {"status"}));
  ca::CertificationAuthority* ca = &authority;
  net::MetricsRegistry* m = &metrics;

  // JR/T 0093.6 6.2.2 steps 1-5: the bank has checked the user and hands over the data.
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/ca/registrations", Caller::kOperator, Exposure::kTlsOnly,
      [ca](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto data = ParseRegistration(*body);
        if (!data.ok()) return net::ErrorResponse(data.status(), request);
        auto registration = ca->Register(*data);
        if (!registration.ok()) return net::ErrorResponse(registration.status(), request);
        return net::JsonResponse(RegistrationJson(*registration), 201);
      }));

  // Step 6: the client presents the authorisation code with the PKCS#10 its card made.
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/ca/certificates", Caller::kAnyone, Exposure::kTlsOnly,
      [ca, m](const HttpRequest& request) {
        auto body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto issue = ParseIssueRequest(*body);
        if (!issue.ok()) return net::ErrorResponse(issue.status(), request);
        auto issued = ca->Issue(*issue);
        if (!issued.ok()) return net::ErrorResponse(issued.status(), request);
        auto record = ca->FindCertificate(issued->serial_hex);
        m->Increment("sedun_ca_certificates_issued_total",
                     {record.ok() ? std::string(ca::ProfileName(record->profile)) : "unknown"});
        HttpResponse response = net::JsonResponse(IssuedJson(*issued), 201);
        response.headers.emplace("Location", "/v1/ca/certificates/" + issued->serial_hex);
        return response;
      }));

  // JR/T 0093.6 7.3.1.2: the registry, by account (and client instance).
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "GET", "/v1/ca/certificates", Caller::kOperator, Exposure::kTlsOnly,
      [ca](const HttpRequest& request) {
        auto account = request.Query("account_id");
        if (!account || account->empty()) {
          return net::ErrorResponse(InvalidArgument("query parameter 'account_id' is required"),
                                    request);
        }
        auto records = ca->ListCertificates(*account, request.Query("client_id").value_or(""));
        if (!records.ok()) return net::ErrorResponse(records.status(), request);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& record : *records) list.push_back(RecordJson(record, false));
        return net::JsonResponse({{"certificates", list}});
      }));

  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "GET", "/v1/ca/certificates/{serial}", Caller::kOperator, Exposure::kTlsOnly,
      [ca](const HttpRequest& request) {
        auto record = ca->FindCertificate(request.PathParam("serial"));
        if (!record.ok()) return net::ErrorResponse(record.status(), request);
        return net::JsonResponse(RecordJson(*record, true));
      }));

  // JR/T 0093.6 6.2.3 "verify certificate validity": valid / expiring_soon / expired / revoked /
  // unknown. Public: it tells no more than the CRL does.
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "GET", "/v1/ca/certificates/{serial}/status", Caller::kAnyone,
      Exposure::kTlsOnly, [ca](const HttpRequest& request) {
        auto status = ca->CertificateStatus(request.PathParam("serial"));
        if (!status.ok()) return net::ErrorResponse(status.status(), request);
        return net::JsonResponse(StatusJson(*status));
      }));

  // JR/T 0093.6 6.2.4: revocation, then a new CRL at once.
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/ca/certificates/{serial}/revoke", Caller::kOperator,
      Exposure::kTlsOnly, [ca, m](const HttpRequest& request) {
        nlohmann::json empty = nlohmann::json::object();
        Result<nlohmann::json> body = empty;
        if (!request.body.empty()) body = net::ParseJsonObject(request);
        if (!body.ok()) return net::ErrorResponse(body.status(), request);
        auto revoke = ParseRevokeRequest(*body);
        if (!revoke.ok()) return net::ErrorResponse(revoke.status(), request);
        auto result = ca->Revoke(request.PathParam("serial"), revoke->reason, revoke->requested_by);
        if (!result.ok()) return net::ErrorResponse(result.status(), request);
        m->Increment("sedun_ca_certificates_revoked_total");
        return net::JsonResponse(RevocationJson(*result));
      }));

  // The CA chain clients install as their trust anchor (film-shield 2.3.1: the card checks the
  // issuer of its certificate).
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "GET", "/v1/ca/chain", Caller::kAnyone, Exposure::kPlainAllowed,
      [ca](const HttpRequest&) {
        return net::JsonResponse({{"root", ca->root_certificate().ToPem()},
                                  {"issuing", ca->issuing_certificate().ToPem()},
                                  {"pkcs7", Base64Encode(ca->ca_chain_pkcs7())}});
      }));

  // RFC 5280 CRL distribution point: DER, application/pkix-crl (RFC 2585).
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "GET", "/v1/ca/crl", Caller::kAnyone, Exposure::kPlainAllowed,
      [ca](const HttpRequest& request) {
        auto crl = ca->CurrentCrl();
        if (!crl.ok()) return net::ErrorResponse(crl.status(), request);
        HttpResponse response = Der(std::move(crl).value(), "application/pkix-crl");
        response.headers.emplace("Cache-Control", "no-cache");
        return response;
      }));

  // RFC 6960 A.1 over POST. Every answer is an OCSPResponse with HTTP 200, errors included
  // (malformedRequest etc.), as relying parties expect.
  net::RouteOptions ocsp_options;
  ocsp_options.content_types = {"application/ocsp-request"};
  ocsp_options.max_body_bytes = 64 * 1024;
  SEDUN_RETURN_IF_ERROR(AddRoute(
      router, auth, "POST", "/v1/ca/ocsp", Caller::kAnyone, Exposure::kPlainAllowed,
      [ca, m](const HttpRequest& request) {
        ca::OcspReply reply = ca->RespondOcsp(AsBytes(request.body));
        m->Increment("sedun_ca_ocsp_responses_total",
                     {reply.status == pki::OcspResponseStatus::kSuccessful ? "successful"
                                                                            : "unsuccessful"});
        HttpResponse response = Der(std::move(reply.der), "application/ocsp-response");
        response.headers.emplace("Cache-Control", "no-cache");
        return response;
      },
      ocsp_options));
  return Status::Ok();
}

}  // namespace sedun::server
