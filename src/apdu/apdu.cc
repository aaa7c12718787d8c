// Command and response APDU codec.
#include "apdu/apdu.h"

#include <string>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace sedun::apdu {
namespace {

std::string N(size_t n) { return std::to_string(n); }

}  // namespace

std::string_view ApduCaseName(ApduCase c) {
  switch (c) {
    case ApduCase::k1:
      return "1";
    case ApduCase::k2Short:
      return "2S";
    case ApduCase::k3Short:
      return "3S";
    case ApduCase::k4Short:
      return "4S";
    case ApduCase::k2Extended:
      return "2E";
    case ApduCase::k3Extended:
      return "3E";
    case ApduCase::k4Extended:
      return "4E";
  }
  return "?";
}

// The body (everything after the header) is told apart by its length and first byte alone, as
// ISO 7816-4 prescribes: no body is case 1; one byte is case 2S; a first byte other than 00 is a
// short Lc; a first byte 00 followed by more is the extended-length marker.
Result<CommandApdu> CommandApdu::Parse(ByteView in) {
  ByteReader r(in);
  CommandApdu c;
  if (!r.ReadU8(&c.cla) || !r.ReadU8(&c.ins) || !r.ReadU8(&c.p1) || !r.ReadU8(&c.p2)) {
    return Malformed("APDU: " + N(in.size()) + " bytes is shorter than the 4-byte header");
  }
  const size_t body = r.remaining();
  uint8_t b0 = 0;
  if (!r.ReadU8(&b0)) return c;  // case 1
  if (body == 1) {               // case 2S
    c.ne = b0 == 0 ? kMaxShortNe : b0;
    return c;
  }

  ByteView data;
  if (b0 != 0) {
    const size_t lc = b0;
    if (!r.ReadBytes(lc, &data)) {
      return Malformed("APDU: short Lc " + N(lc) + " but only " + N(r.remaining()) +
                       " data bytes follow");
    }
    c.data = ToBytes(data);
    if (r.empty()) return c;  // case 3S
    uint8_t le = 0;
    if (r.remaining() != 1 || !r.ReadU8(&le)) {
      return Malformed("APDU: short Lc " + N(lc) + " leaves " + N(r.remaining()) +
                       " bytes after the data; a short Le is 1 byte");
    }
    c.ne = le == 0 ? kMaxShortNe : le;  // case 4S
    return c;
  }

  // A short Lc of 00 is not allowed, so 00 here opens an extended length field of two more bytes.
  c.extended = true;
  uint16_t len = 0;
  if (!r.ReadU16(&len)) {
    return Malformed("APDU: 00 after the header marks an extended length, but only " +
                     N(r.remaining()) + " byte follows");
  }
  if (r.empty()) {  // case 2E
    c.ne = len == 0 ? kMaxExtendedNe : len;
    return c;
  }
  if (len == 0) {
    return Malformed("APDU: extended Lc 0000 (data length zero) followed by " + N(r.remaining()) +
                     " bytes");
  }
  if (!r.ReadBytes(len, &data)) {
    return Malformed("APDU: extended Lc " + N(len) + " but only " + N(r.remaining()) +
                     " data bytes follow");
  }
  c.data = ToBytes(data);
  if (r.empty()) return c;  // case 3E
  uint16_t le = 0;
  if (r.remaining() != 2 || !r.ReadU16(&le)) {
    return Malformed("APDU: extended Lc " + N(len) + " leaves " + N(r.remaining()) +
                     " bytes after the data; an extended Le is 2 bytes");
  }
  c.ne = le == 0 ? kMaxExtendedNe : le;  // case 4E
  return c;
}

bool CommandApdu::UsesExtended() const {
  if (data.empty() && ne == 0) return false;
  return extended || data.size() > kMaxShortLc || ne > kMaxShortNe;
}

ApduCase CommandApdu::Case() const {
  const bool ext = UsesExtended();
  if (data.empty()) {
    if (ne == 0) return ApduCase::k1;
    return ext ? ApduCase::k2Extended : ApduCase::k2Short;
  }
  if (ne == 0) return ext ? ApduCase::k3Extended : ApduCase::k3Short;
  return ext ? ApduCase::k4Extended : ApduCase::k4Short;
}

Result<Bytes> CommandApdu::Encode() const {
  if (data.size() > kMaxExtendedLc) {
    return InvalidArgument("APDU: " + N(data.size()) +
                           " data bytes exceed the extended Lc limit of 65535");
  }
  if (ne > kMaxExtendedNe) return InvalidArgument("APDU: Ne " + N(ne) + " exceeds 65536");
  ByteWriter w;
  w.PutU8(cla);
  w.PutU8(ins);
  w.PutU8(p1);
  w.PutU8(p2);
  if (UsesExtended()) {
    w.PutU8(0x00);
    if (!data.empty()) {
      w.PutU16(static_cast<uint16_t>(data.size()));
      w.PutBytes(data);
    }
    // 65536 wraps to the 0000 that encodes it.
    if (ne != 0) w.PutU16(static_cast<uint16_t>(ne));
  } else {
    if (!data.empty()) {
      w.PutU8(static_cast<uint8_t>(data.size()));
      w.PutBytes(data);
    }
    // 256 wraps to the 00 that encodes it.
    if (ne != 0) w.PutU8(static_cast<uint8_t>(ne));
  }
  return w.Finish();
}

Result<ResponseApdu> ResponseApdu::Parse(ByteView in) {
  if (in.size() < 2) return Malformed("R-APDU: " + N(in.size()) + " bytes, no room for SW1 SW2");
  if (in.size() - 2 > kMaxResponseData) {
    return Malformed("R-APDU: " + N(in.size() - 2) + " data bytes exceed the 65536 maximum");
  }
  ByteReader r(in);
  ResponseApdu resp;
  ByteView data;
  if (!r.ReadBytes(in.size() - 2, &data) || !r.ReadU16(&resp.sw))
    return Internal("R-APDU: length check");
  resp.data = ToBytes(data);
  if (!IsValidSw(resp.sw)) {
    return Malformed("R-APDU: SW " + SwToString(resp.sw).substr(0, 4) +
                     " is not a status word (SW1 61..6F or 90..9F)");
  }
  return resp;
}

Result<Bytes> ResponseApdu::Encode() const {
  if (data.size() > kMaxResponseData) {
    return InvalidArgument("R-APDU: " + N(data.size()) + " data bytes exceed the 65536 maximum");
  }
  if (!IsValidSw(sw)) {
    return InvalidArgument("R-APDU: SW " + SwToString(sw).substr(0, 4) + " is not a status word");
  }
  ByteWriter w;
  w.PutBytes(data);
  w.PutU16(sw);
  return w.Finish();
}

}  // namespace sedun::apdu
