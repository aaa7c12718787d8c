// Command chaining and GET RESPONSE sequencing.
#include "apdu/chaining.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sedun::apdu {
namespace {

std::string Hex(uint8_t b) { return HexEncode(ByteView(&b, 1)); }

std::string Header(const CommandApdu& c) { return Hex(c.cla) + Hex(c.ins) + Hex(c.p1) + Hex(c.p2); }

void Append(Bytes* out, ByteView more) { out->insert(out->end(), more.begin(), more.end()); }

}  // namespace

Result<std::optional<CommandApdu>> CommandChainer::Add(CommandApdu part) {
  if (!pending_) {
    if (!IsChained(part.cla)) return std::optional<CommandApdu>(std::move(part));
    if (part.data.size() > max_data_) {
      return ResourceExhausted("chain: " + std::to_string(part.data.size()) +
                               " data bytes exceed the limit of " + std::to_string(max_data_));
    }
    part.cla = WithoutChaining(part.cla);
    part.ne = 0;
    pending_ = std::move(part);
    return std::optional<CommandApdu>();
  }

  CommandApdu& head = *pending_;
  if (WithoutChaining(part.cla) != head.cla || part.ins != head.ins || part.p1 != head.p1 ||
      part.p2 != head.p2) {
    std::string msg =
        "chain: command " + Header(part) + " does not continue the chain of " + Header(head);
    Reset();
    return FailedPrecondition(std::move(msg));
  }
  if (part.data.size() > max_data_ - head.data.size()) {
    std::string msg = "chain: joined data of " +
                      std::to_string(head.data.size() + part.data.size()) +
                      " bytes exceeds the limit of " + std::to_string(max_data_);
    Reset();
    return ResourceExhausted(std::move(msg));
  }
  Append(&head.data, part.data);
  if (IsChained(part.cla)) return std::optional<CommandApdu>();

  CommandApdu full = std::move(head);
  Reset();
  full.ne = part.ne;
  full.extended = part.extended;
  return std::optional<CommandApdu>(std::move(full));
}

Result<std::vector<CommandApdu>> SplitIntoChain(const CommandApdu& cmd, size_t max_part) {
  if (max_part == 0 || max_part > kMaxExtendedLc) {
    return InvalidArgument("chain: part size " + std::to_string(max_part) + " is outside 1..65535");
  }
  if (IsChained(cmd.cla)) return InvalidArgument("chain: command already has the chaining bit");
  std::vector<CommandApdu> parts;
  if (cmd.data.size() <= max_part) {
    parts.push_back(cmd);
    return parts;
  }
  ByteView rest(cmd.data);
  while (!rest.empty()) {
    const size_t n = std::min(rest.size(), max_part);
    const bool last = n == rest.size();
    CommandApdu p;
    p.cla = last ? cmd.cla : WithChaining(cmd.cla);
    p.ins = cmd.ins;
    p.p1 = cmd.p1;
    p.p2 = cmd.p2;
    p.data = ToBytes(rest.first(n));
    p.ne = last ? cmd.ne : 0;
    p.extended = cmd.extended;
    parts.push_back(std::move(p));
    rest = rest.subspan(n);
  }
  return parts;
}

CommandApdu MakeGetResponse(uint8_t command_cla, uint16_t sw) {
  CommandApdu c;
  // LogicalChannel is at most 19, which InterindustryCla always accepts.
  Result<uint8_t> cla = InterindustryCla(LogicalChannel(command_cla));
  c.cla = cla.ok() ? *cla : 0;
  c.ins = kInsGetResponse;
  c.ne = Sw2(sw) == 0 ? kMaxShortNe : Sw2(sw);
  return c;
}

ResponseApdu ResponseSplitter::Start(ResponseApdu full, uint32_t ne) {
  Reset();
  if (IsSwError(full.sw)) return ResponseApdu{{}, full.sw};
  data_ = std::move(full.data);
  final_sw_ = full.sw;
  pending_ = true;
  return Next(ne);
}

Result<ResponseApdu> ResponseSplitter::GetResponse(const CommandApdu& cmd) {
  if (cmd.ins != kInsGetResponse)
    return InvalidArgument("GET RESPONSE: INS " + Hex(cmd.ins) + " is not C0");
  if (cmd.p1 != 0 || cmd.p2 != 0) {
    return InvalidArgument("GET RESPONSE: P1-P2 " + Hex(cmd.p1) + Hex(cmd.p2) + " must be 0000");
  }
  if (!cmd.data.empty()) return InvalidArgument("GET RESPONSE: carries no command data");
  if (cmd.ne == 0) return InvalidArgument("GET RESPONSE: Le is missing");
  if (!pending_) return FailedPrecondition("GET RESPONSE: no response data pending");
  return Next(cmd.ne);
}

ResponseApdu ResponseSplitter::Next(uint32_t ne) {
  // One R-APDU never carries more than the largest Ne.
  const size_t limit = std::min<size_t>(ne, kMaxExtendedNe);
  ByteView left = ByteView(data_).subspan(offset_);
  if (left.size() <= limit) {
    ResponseApdu last{ToBytes(left), final_sw_};
    Reset();
    return last;
  }
  offset_ += limit;
  return ResponseApdu{ToBytes(left.first(limit)), SwBytesAvailable(left.size() - limit)};
}

void ResponseSplitter::Reset() {
  pending_ = false;
  data_.clear();
  offset_ = 0;
  final_sw_ = kSwOk;
}

Result<std::optional<CommandApdu>> ResponseCollector::Add(const ResponseApdu& part) {
  const bool more = Sw1(part.sw) == Sw1(kSwBytesAvailable);
  if (more && rounds_ > 0 && part.data.empty()) {
    return Malformed("GET RESPONSE: card answered " + SwToString(part.sw) + " without data");
  }
  if (part.data.size() > max_data_ - joined_.data.size()) {
    return ResourceExhausted("GET RESPONSE: response exceeds " + std::to_string(max_data_) +
                             " bytes");
  }
  ++rounds_;
  Append(&joined_.data, part.data);
  if (more) return std::optional<CommandApdu>(MakeGetResponse(command_cla_, part.sw));
  joined_.sw = part.sw;
  // An error ends the exchange and voids what came before it.
  if (IsSwError(part.sw)) joined_.data.clear();
  return std::optional<CommandApdu>();
}

ResponseApdu ResponseCollector::Take() {
  ResponseApdu out = std::move(joined_);
  joined_ = ResponseApdu{};
  rounds_ = 0;
  return out;
}

}  // namespace sedun::apdu
