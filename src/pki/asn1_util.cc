// OpenSSL ASN.1 conversions.
#include "pki/asn1_util.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <ctime>
#include <set>

namespace sedun::pki {

using crypto::ossl::BnPtr;

namespace {

std::string Str(std::string_view s) { return std::string(s); }

}  // namespace

Result<std::chrono::sys_seconds> FromAsn1Time(const ASN1_TIME* t, std::string_view what) {
  if (t == nullptr) return Malformed(Str(what) + ": time missing");
  const int type = ASN1_STRING_type(t);
  const int len = ASN1_STRING_length(t);
  const unsigned char* data = ASN1_STRING_get0_data(t);
  const bool utc_ok = type == V_ASN1_UTCTIME && len == 13;
  const bool gen_ok = type == V_ASN1_GENERALIZEDTIME && len >= 15;
  if ((!utc_ok && !gen_ok) || data[len - 1] != 'Z') {
    return Malformed(Str(what) + ": time is not in the RFC 5280 form (YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ)");
  }
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return OsslError(Str(what) + ": invalid time", Code::kMalformed);
  using namespace std::chrono;
  const year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                           day{static_cast<unsigned>(tm.tm_mday)}};
  if (!ymd.ok()) return Malformed(Str(what) + ": invalid date");
  return sys_seconds(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

Result<Asn1TimePtr> ToAsn1Time(std::chrono::sys_seconds t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(t.time_since_epoch().count())));
  if (!out) return OsslError("time out of the encodable range", Code::kInvalidArgument);
  return out;
}

Result<Asn1TimePtr> ToGeneralizedTime(std::chrono::sys_seconds t) {
  Asn1TimePtr out(ASN1_GENERALIZEDTIME_set(nullptr, static_cast<time_t>(t.time_since_epoch().count())));
  if (!out) return OsslError("time out of the encodable range", Code::kInvalidArgument);
  return out;
}

std::string OidToString(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (n < 0) return "";
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  n = OBJ_obj2txt(big.data(), n + 1, obj, 1);
  big.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return big;
}

Result<Asn1ObjectPtr> OidFromText(std::string_view text, std::string_view what) {
  std::string s(text);
  if (s.empty() || s.size() > 200) return InvalidArgument(Str(what) + ": empty or oversized OID");
  Asn1ObjectPtr obj(OBJ_txt2obj(s.c_str(), 0));
  if (!obj)
    return OsslError(Str(what) + ": unknown name or malformed OID \"" + s + "\"", Code::kInvalidArgument);
  return obj;
}

Result<Bytes> IntegerMagnitude(const ASN1_INTEGER* v, std::string_view what) {
  if (v == nullptr) return Malformed(Str(what) + ": missing");
  BnPtr bn(ASN1_INTEGER_to_BN(v, nullptr));
  if (!bn) return OsslError(Str(what) + ": invalid INTEGER", Code::kMalformed);
  if (BN_is_negative(bn.get())) return Malformed(Str(what) + " is negative");
  Bytes out(static_cast<size_t>(BN_num_bytes(bn.get())));
  if (out.empty()) return Bytes{0};
  if (BN_bn2bin(bn.get(), out.data()) != static_cast<int>(out.size())) {
    return OsslError(Str(what) + ": INTEGER conversion failed");
  }
  return out;
}

Result<Asn1IntegerPtr> IntegerFromMagnitude(ByteView magnitude) {
  if (magnitude.empty() || magnitude.size() > 1024)
    return InvalidArgument("INTEGER: empty or oversized value");
  BnPtr bn(BN_bin2bn(magnitude.data(), static_cast<int>(magnitude.size()), nullptr));
  if (!bn) return OsslError("BN_bin2bn failed");
  Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) return OsslError("BN_to_ASN1_INTEGER failed");
  return out;
}

Result<std::string> Asn1StringToUtf8(const ASN1_STRING* s, std::string_view what) {
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return OsslError(Str(what) + ": string does not convert to UTF-8", Code::kMalformed);
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

Result<DistinguishedName> ReadName(const X509_NAME* name, std::string_view what) {
  DistinguishedName dn;
  const int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const int nid = OBJ_obj2nid(obj);
    NameAttribute attr;
    attr.type = nid == NID_undef ? OidToString(obj) : std::string(OBJ_nid2sn(nid));
    SEDUN_ASSIGN_OR_RETURN(attr.value, Asn1StringToUtf8(X509_NAME_ENTRY_get_data(e), what));
    dn.push_back(std::move(attr));
  }
  return dn;
}

Result<std::string> NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return OsslError("BIO_new failed");
  // RFC 2253 escaping, but multibyte characters stay UTF-8 instead of \XX escapes.
  const unsigned long flags = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
    return OsslError("name does not print", Code::kMalformed);
  }
  return BioToString(bio.get());
}

Result<X509NamePtr> BuildName(const DistinguishedName& dn) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return OsslError("X509_NAME_new failed");
  for (const NameAttribute& a : dn) {
    if (a.value.empty() || a.value.size() > 1024) {
      return InvalidArgument("name attribute " + a.type + ": empty or oversized value");
    }
    SEDUN_ASSIGN_OR_RETURN(Asn1ObjectPtr obj, OidFromText(a.type, "name attribute type"));
    if (X509_NAME_add_entry_by_OBJ(name.get(), obj.get(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(a.value.data()),
                                   static_cast<int>(a.value.size()), -1, 0) != 1) {
      return OsslError("name attribute " + a.type + "=" + a.value + " is not acceptable",
                       Code::kInvalidArgument);
    }
  }
  return name;
}

Result<std::string> UriFromGeneralName(const GENERAL_NAME* gn, std::string_view what) {
  if (gn == nullptr || gn->type != GEN_URI) return Malformed(Str(what) + ": not a URI");
  const ASN1_IA5STRING* s = gn->d.uniformResourceIdentifier;
  std::string uri(AsChars(ByteView(ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s)))));
  for (char c : uri) {
    if (c < 0x20 || c > 0x7e) return Malformed(Str(what) + ": URI is not printable ASCII");
  }
  return uri;
}

Result<std::vector<std::string>> UrisFromGeneralNames(const GENERAL_NAMES* names, std::string_view what) {
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_URI) continue;
    SEDUN_ASSIGN_OR_RETURN(std::string uri, UriFromGeneralName(gn, what));
    out.push_back(std::move(uri));
  }
  return out;
}

Result<GeneralNamePtr> NewUriGeneralName(std::string_view url) {
  if (url.empty() || url.size() > 2048) return InvalidArgument("URL: empty or oversized");
  for (char c : url) {
    if (c <= 0x20 || c > 0x7e) return InvalidArgument("URL must be printable ASCII without spaces");
  }
  GeneralNamePtr gn(GENERAL_NAME_new());
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  if (!gn || s == nullptr || ASN1_STRING_set(s, url.data(), static_cast<int>(url.size())) != 1) {
    ASN1_IA5STRING_free(s);
    return OsslError("URI GeneralName allocation failed");
  }
  GENERAL_NAME_set0_value(gn.get(), GEN_URI, s);
  return gn;
}

Result<std::vector<ExtensionInfo>> ReadExtensions(const STACK_OF(X509_EXTENSION) * exts,
                                                  std::string_view what) {
  std::vector<ExtensionInfo> out;
  std::set<std::string> seen;
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    const X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
    ExtensionInfo info;
    info.oid = OidToString(X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(ext)));
    info.critical = X509_EXTENSION_get_critical(ext) != 0;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(const_cast<X509_EXTENSION*>(ext));
    const ByteView value(ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
    info.value.assign(value.begin(), value.end());
    if (!seen.insert(info.oid).second) {
      return Malformed(Str(what) + ": duplicate extension " + info.oid + " (RFC 5280 4.2)");
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<Bytes> Sha1Hash(ByteView data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr) != 1) {
    return OsslError("SHA-1 failed");
  }
  return Bytes(md, md + len);
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return "";
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace sedun::pki
