// Conversions between OpenSSL's ASN.1 objects and sedun values, shared by every pki/ file:
// exact-length d2i, i2d into owned buffers, times, OIDs, INTEGER magnitudes, strings, names,
// general-name URIs and extension lists. pki-internal (includes OpenSSL).
// Thread-safety: free functions; OpenSSL's error queue is per thread.
#pragma once

#include <chrono>
#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/ossl/ossl_util.h"
#include "pki/ossl_types.h"
#include "pki/pki_types.h"

namespace sedun::pki {

using crypto::ossl::ClearErrors;
using crypto::ossl::OsslError;

// d2i that must consume all of `der`: OpenSSL's d2i stops after the first element and ignores
// what follows, so trailing bytes are detected here. Malformed naming `what` otherwise.
template <typename Ptr, typename T>
Result<Ptr> D2iExact(T* (*d2i)(T**, const unsigned char**, long), ByteView der, std::string_view what) {
  if (der.empty() || der.size() > static_cast<size_t>(LONG_MAX)) {
    return Malformed(std::string(what) + ": empty or oversized DER");
  }
  const unsigned char* p = der.data();
  Ptr obj(d2i(nullptr, &p, static_cast<long>(der.size())));
  if (!obj) return OsslError(std::string(what) + ": DER does not parse", Code::kMalformed);
  if (static_cast<size_t>(p - der.data()) != der.size()) {
    return Malformed(std::string(what) + ": trailing bytes after the DER encoding");
  }
  return obj;
}

// i2d into a fresh buffer. `F` is any OpenSSL i2d function taking (T*, unsigned char**).
template <typename F, typename T>
Result<Bytes> I2d(F i2d, T* obj, std::string_view what) {
  int len = i2d(obj, nullptr);
  if (len <= 0) return OsslError(std::string(what) + ": DER encoding failed");
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d(obj, &p) != len) return OsslError(std::string(what) + ": DER encoding failed");
  return out;
}

// Same into a wiping buffer (private-key structures).
template <typename F, typename T>
Result<SecretBytes> I2dSecret(F i2d, T* obj, std::string_view what) {
  int len = i2d(obj, nullptr);
  if (len <= 0) return OsslError(std::string(what) + ": DER encoding failed");
  SecretBytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d(obj, &p) != len) return OsslError(std::string(what) + ": DER encoding failed");
  return out;
}

// RFC 5280 4.1.2.5: UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSS[.f]Z.
Result<std::chrono::sys_seconds> FromAsn1Time(const ASN1_TIME* t, std::string_view what);
// UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5).
Result<Asn1TimePtr> ToAsn1Time(std::chrono::sys_seconds t);
// Always GeneralizedTime (RFC 6960 4.2.1 uses GeneralizedTime throughout).
Result<Asn1TimePtr> ToGeneralizedTime(std::chrono::sys_seconds t);

// Dotted-decimal form ("1.2.156.10197.1.501").
std::string OidToString(const ASN1_OBJECT* obj);
// Short name, long name or dotted OID. InvalidArgument naming `what` if unknown or malformed.
Result<Asn1ObjectPtr> OidFromText(std::string_view text, std::string_view what);

// Big-endian magnitude of a non-negative INTEGER (zero is {0}); negative values are Malformed.
Result<Bytes> IntegerMagnitude(const ASN1_INTEGER* v, std::string_view what);
// INTEGER from a big-endian unsigned magnitude.
Result<Asn1IntegerPtr> IntegerFromMagnitude(ByteView magnitude);

// Any ASN.1 string type converted to UTF-8.
Result<std::string> Asn1StringToUtf8(const ASN1_STRING* s, std::string_view what);

Result<DistinguishedName> ReadName(const X509_NAME* name, std::string_view what);
// RFC 2253 form (least significant RDN first, "CN=a,O=b,C=CN") with UTF-8 left unescaped;
// attribute types without a short name print as OID=#hex (RFC 2253 2.4).
Result<std::string> NameToString(const X509_NAME* name);
Result<X509NamePtr> BuildName(const DistinguishedName& dn);

// The URI of a GENERAL_NAME of type GEN_URI; Malformed unless printable ASCII.
Result<std::string> UriFromGeneralName(const GENERAL_NAME* gn, std::string_view what);
// uniformResourceIdentifier entries of GENERAL_NAMES (other name forms are skipped).
Result<std::vector<std::string>> UrisFromGeneralNames(const GENERAL_NAMES* names, std::string_view what);
// A GENERAL_NAME of type URI; InvalidArgument unless the URL is printable ASCII (IA5String).
Result<GeneralNamePtr> NewUriGeneralName(std::string_view url);

// Every extension; Malformed on duplicates (RFC 5280 4.2: at most one instance of each).
Result<std::vector<ExtensionInfo>> ReadExtensions(const STACK_OF(X509_EXTENSION) * exts,
                                                  std::string_view what);

// Wraps the result of an X509_*get_ext_d2i call: null with crit == -1 means absent (an empty
// pointer); null otherwise means present but undecodable (Malformed).
template <typename Ptr>
Result<Ptr> ExtD2iResult(void* decoded, int crit, std::string_view name) {
  if (decoded != nullptr) return Ptr(static_cast<typename Ptr::element_type*>(decoded));
  if (crit == -1) {
    ClearErrors();
    return Ptr();
  }
  return OsslError(std::string(name) + " extension is malformed", Code::kMalformed);
}

// SHA-1, used only for identifiers (key identifiers, OCSP CertID), never for signatures.
Result<Bytes> Sha1Hash(ByteView data);

// Contents of a memory BIO.
std::string BioToString(BIO* bio);

}  // namespace sedun::pki
