// Reading a command's data field: the BER-TLV objects of docs/apdu.md "Data objects" and the
// per-object checks the card applies before any command looks at the values.
//
// Rules (docs/apdu.md): command data is a flat list of primitive objects in any order; a tag the
// command does not take answers 6A80, a repeated tag answers 6A80, a missing mandatory tag
// answers 6A80. Errors come back as Status (kMalformed), mapped to status words by
// status_mapping.h only.
// Thread-safety: values and pure functions; a Request borrows the command data it was parsed
// from, which must outlive it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apdu/apdu.h"
#include "apdu/tlv.h"
#include "base/bytes.h"
#include "base/status.h"
#include "se/card_state.h"

namespace sedun::se::applet {

class Request {
 public:
  // Parses `data` (strict BER-TLV). Every tag must be in `required` or `optional` and appear at
  // most once; every tag in `required` must be present. Malformed otherwise.
  static Result<Request> Parse(ByteView data, std::initializer_list<apdu::Tag> required,
                               std::initializer_list<apdu::Tag> optional = {});

  bool Has(apdu::Tag t) const { return Find(t) != nullptr; }
  // The value of a tag the parse required (or checked with Has); empty when absent.
  ByteView Get(apdu::Tag t) const;
  std::optional<ByteView> GetOptional(apdu::Tag t) const;

 private:
  const ByteView* Find(apdu::Tag t) const;
  std::vector<std::pair<apdu::Tag, ByteView>> fields_;
};

// All application commands take P1 = P2 = 00; InvalidArgument otherwise (-> 6A86).
Status CheckP1P2Zero(const apdu::CommandApdu& command);

// Tag 81: 1-32 bytes of well-formed UTF-8.
Result<std::string> ParseContainerName(ByteView value);
// Tag 82: one byte, 01 (signature) or 02 (encryption).
Result<KeySlotId> ParseKeySlot(ByteView value);
// Tag 83 when present (1-255 bytes), else the GM/T 0009 default ID.
Result<ByteView> ParseUserId(std::optional<ByteView> value);
// Tag 8B: 8 bytes, seconds since the epoch, big-endian, at most INT64_MAX.
Result<int64_t> ParseTime(ByteView value);

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(ByteView bytes);

}  // namespace sedun::se::applet
