// Distinguished names as text and as DER, for callers outside pki/ that must hand a Name to
// someone else: the client sends a subject's DER to the card, which puts it into the
// CertificationRequestInfo it signs (docs/apdu.md CERTIFICATION REQUEST, tag 89).
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/pki_types.h"

namespace sedun::pki {

// The DER Name (RFC 5280 4.1.2.4) of `dn`, one RDN per attribute in the given order, values as
// UTF8String except where X.520 fixes the type (countryName is PrintableString), exactly as the
// certificate, CSR and CRL builders encode names. InvalidArgument for an empty name, an unknown
// attribute type or an empty or oversized value.
Result<Bytes> NameToDer(const DistinguishedName& dn);

// The name in a DER Name; Malformed for anything else or trailing bytes.
Result<DistinguishedName> NameFromDer(ByteView der);

// OpenSSL's `-subj` form: "/C=CN/O=Bank/CN=Zhang San", most significant RDN first. A backslash
// makes the next character literal ("/O=A\/B"). Unlike -subj, "+" is an ordinary character:
// multi-valued RDNs are not written by sedun. InvalidArgument for an empty name, a missing
// leading "/", "=" or type, or an empty value.
Result<DistinguishedName> ParseSlashName(std::string_view text);

}  // namespace sedun::pki
