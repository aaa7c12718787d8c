// Names as DER and as "/C=../CN=.." text, over the same BuildName/ReadName used for certificates.
#include "pki/name.h"

#include <openssl/x509.h>

#include <string>

#include "pki/asn1_util.h"

namespace sedun::pki {

Result<Bytes> NameToDer(const DistinguishedName& dn) {
  if (dn.empty()) return InvalidArgument("name: no attributes");
  SEDUN_ASSIGN_OR_RETURN(X509NamePtr name, BuildName(dn));
  return I2d(i2d_X509_NAME, name.get(), "Name");
}

Result<DistinguishedName> NameFromDer(ByteView der) {
  SEDUN_ASSIGN_OR_RETURN(X509NamePtr name, (D2iExact<X509NamePtr>(d2i_X509_NAME, der, "Name")));
  return ReadName(name.get(), "Name");
}

Result<DistinguishedName> ParseSlashName(std::string_view text) {
  if (text.empty() || text.front() != '/') return InvalidArgument("name must start with '/' as in /CN=...");
  DistinguishedName dn;
  size_t i = 1;
  while (i <= text.size()) {
    std::string type, value;
    bool in_value = false;
    bool any_value_char = false;
    for (; i < text.size() && text[i] != '/'; ++i) {
      char c = text[i];
      if (c == '\\') {
        if (++i == text.size()) return InvalidArgument("name ends with a lone backslash");
        c = text[i];
      } else if (c == '=' && !in_value) {
        in_value = true;
        continue;
      }
      (in_value ? value : type).push_back(c);
      any_value_char = any_value_char || in_value;
    }
    if (!in_value || type.empty()) return InvalidArgument("name: each '/' must be followed by TYPE=value");
    if (!any_value_char) return InvalidArgument("name: attribute " + type + " has an empty value");
    dn.push_back(NameAttribute{std::move(type), std::move(value)});
    ++i;  // past the '/' (or the end)
  }
  return dn;
}

}  // namespace sedun::pki
