// The OS command table and the command-data reader shared by the OS commands.
#include <algorithm>
#include <array>

#include "se/os_commands/os_commands.h"

namespace sedun::se {

std::span<const OsCommand> OsCommands() {
  // docs/apdu.md "Commands" and "Lifecycle". VERIFY and CHANGE REFERENCE DATA are accepted in
  // the locked state so that they can answer 6983 for the blocked user PIN (ISO/IEC 7816-4
  // "authentication method blocked") rather than a bare 6985; for the administrator PIN they
  // answer 6985 there, as the lifecycle table allows only RESET RETRY COUNTER.
  static constexpr std::array<OsCommand, 6> kTable = {{
      {{0x80, 0xCA, Condition::kNone, &GetData, "GET DATA"}, kAnyLifecycle},
      {{0x80, 0xD8, Condition::kIssuer, &PutKeySet, "PUT KEY SET"}, LifecycleBit(Lifecycle::kFactory)},
      {{0x80, 0xDA, Condition::kIssuer, &PutPersonalisationData, "PUT PERSONALISATION DATA"},
       LifecycleBit(Lifecycle::kFactory)},
      {{0x00, 0x20, Condition::kChannel, &Verify, "VERIFY"}, kInServiceOrLocked},
      {{0x00, 0x24, Condition::kChannel, &ChangeReferenceData, "CHANGE REFERENCE DATA"}, kInServiceOrLocked},
      {{0x00, 0x2C, Condition::kChannel, &ResetRetryCounter, "RESET RETRY COUNTER"}, kInServiceOrLocked},
  }};
  return kTable;
}

ByteView OsRequest::Get(apdu::Tag tag) const {
  for (const Field& f : fields) {
    if (f.tag == tag) return f.value;
  }
  return {};
}

bool OsRequest::Has(apdu::Tag tag) const {
  return std::any_of(fields.begin(), fields.end(), [tag](const Field& f) { return f.tag == tag; });
}

bool ParseOsRequest(ByteView data, std::initializer_list<apdu::Tag> required,
                    std::initializer_list<apdu::Tag> optional, OsRequest* out) {
  auto in = [](std::initializer_list<apdu::Tag> list, apdu::Tag t) {
    return std::find(list.begin(), list.end(), t) != list.end();
  };
  Result<std::vector<apdu::Tlv>> tlvs = apdu::ParseTlvs(data);
  if (!tlvs.ok()) return false;
  out->fields.clear();
  for (const apdu::Tlv& tlv : *tlvs) {
    // docs/apdu.md "Data objects": unknown and repeated tags answer 6A80; the OS objects are all
    // primitive.
    if (tlv.constructed() || (!in(required, tlv.tag) && !in(optional, tlv.tag)) || out->Has(tlv.tag)) return false;
    out->fields.push_back({tlv.tag, tlv.value});
  }
  return std::all_of(required.begin(), required.end(), [out](apdu::Tag t) { return out->Has(t); });
}

}  // namespace sedun::se
