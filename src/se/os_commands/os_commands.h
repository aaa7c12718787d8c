// The card OS's own commands (docs/apdu.md "Commands"): GET DATA, personalisation and the PIN
// commands, written against the same Handler interface as the application's commands
// (se/command.h) so that the dispatcher treats both alike: it checks the lifecycle and the
// security condition, runs the handler on a working copy and commits it on 9000.
//
// SELECT, GET RESPONSE, INITIALIZE UPDATE and EXTERNAL AUTHENTICATE are not here: they act on
// the transport and secure-channel state that only the dispatcher holds (se/card.h).
// Thread-safety: constant tables; handlers run on the card's command thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "apdu/apdu.h"
#include "apdu/security_service.h"
#include "apdu/tlv.h"
#include "base/bytes.h"
#include "se/card_state.h"
#include "se/command.h"

namespace sedun::se {

// A set of lifecycle states, one bit per Lifecycle value.
using LifecycleSet = uint8_t;
constexpr LifecycleSet LifecycleBit(Lifecycle l) {
  return static_cast<LifecycleSet>(1u << static_cast<uint8_t>(l));
}
inline constexpr LifecycleSet kInService = LifecycleBit(Lifecycle::kPersonalised) | LifecycleBit(Lifecycle::kInUse);
inline constexpr LifecycleSet kInServiceOrLocked = kInService | LifecycleBit(Lifecycle::kLocked);
inline constexpr LifecycleSet kAnyLifecycle = 0x3E;  // 01..05

struct OsCommand {
  CommandSpec spec;
  LifecycleSet lifecycles;  // docs/apdu.md "Lifecycle": where the command is accepted (else 6985)
};

std::span<const OsCommand> OsCommands();

// Data objects of the OS commands (docs/apdu.md "Data objects").
namespace os_tag = apdu::sss::tag;

// get_data.cc
apdu::ResponseApdu GetData(CommandContext& ctx, const apdu::CommandApdu& command);
// The A5 proprietary template of the FCI and the body of GET DATA share these objects.
Bytes CardStatusObjects(const CardState& state, bool with_admin_and_space);

// personalisation.cc (issuer condition, factory state)
apdu::ResponseApdu PutKeySet(CommandContext& ctx, const apdu::CommandApdu& command);
// 80 DA 00 P2: trust anchor (01), server certificate (02), user PIN (11), admin PIN (12),
// finish (FF).
apdu::ResponseApdu PutPersonalisationData(CommandContext& ctx, const apdu::CommandApdu& command);

// pin_commands.cc (JR/T 0093.6 7.2)
apdu::ResponseApdu Verify(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu ChangeReferenceData(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu ResetRetryCounter(CommandContext& ctx, const apdu::CommandApdu& command);

// The command data of an OS command as a flat list of primitive objects (docs/apdu.md "Data
// objects"): each tag in `required` must appear, each other tag must be in `optional`, none may
// repeat. Returns false (the caller answers 6A80) otherwise. Values borrow from `data`.
struct OsRequest {
  struct Field {
    apdu::Tag tag;
    ByteView value;
  };
  std::vector<Field> fields;
  // The value of `tag`, or an empty view when absent.
  ByteView Get(apdu::Tag tag) const;
  bool Has(apdu::Tag tag) const;
};
bool ParseOsRequest(ByteView data, std::initializer_list<apdu::Tag> required,
                    std::initializer_list<apdu::Tag> optional, OsRequest* out);

inline apdu::ResponseApdu SwOnly(uint16_t sw) { return apdu::ResponseApdu{{}, sw}; }

}  // namespace sedun::se
