// The dispatcher proper: SELECT and INITIALIZE UPDATE, command table lookup, the lifecycle and
// security-condition checks, command chaining, and the working-copy-and-commit rule
// (se/command.h). It dispatches; the commands live in os_commands/ and applet/.
#include <algorithm>
#include <optional>

#include "apdu/class_byte.h"
#include "apdu/tlv.h"
#include "se/applet/command_table.h"
#include "se/card.h"
#include "se/os_commands/os_commands.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

using apdu::CommandApdu;
using apdu::ResponseApdu;

ResponseApdu Sw(uint16_t sw) { return ResponseApdu{{}, sw}; }

constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsInitializeUpdate = 0x50;
constexpr uint8_t kInsExternalAuthenticate = 0x82;
constexpr uint8_t kSelectByName = 0x04;
constexpr uint8_t kSelectFirstWithFci = 0x00;
constexpr uint8_t kSelectFirstNoData = 0x0C;

// A command table entry with the lifecycle states it is accepted in.
struct Resolved {
  const CommandSpec* spec = nullptr;
  LifecycleSet lifecycles = 0;
};

// docs/apdu.md "Lifecycle" for the application's commands: personalisation commands (issuer)
// only in the factory state, everything else once personalised and until the user PIN blocks.
LifecycleSet ApplicationLifecycles(const CommandSpec& spec) {
  switch (spec.condition) {
    case Condition::kIssuer:
      return LifecycleBit(Lifecycle::kFactory);
    case Condition::kNone:
      return kAnyLifecycle & static_cast<LifecycleSet>(~LifecycleBit(Lifecycle::kTerminated));
    case Condition::kChannel:
    case Condition::kPin:
      break;
  }
  return kInService;
}

// Looks up (CLA, INS); *ins_known tells 6E00 (INS exists under another class) from 6D00.
std::optional<Resolved> Lookup(uint8_t cla, uint8_t ins, bool* ins_known) {
  *ins_known = false;
  for (const OsCommand& c : OsCommands()) {
    if (c.spec.ins != ins) continue;
    *ins_known = true;
    if (c.spec.cla == cla) return Resolved{&c.spec, c.lifecycles};
  }
  for (const CommandSpec& c : applet::ApplicationCommands()) {
    if (c.ins != ins) continue;
    *ins_known = true;
    if (c.cla == cla && c.handler != nullptr) return Resolved{&c, ApplicationLifecycles(c)};
  }
  return std::nullopt;
}

bool Allowed(LifecycleSet set, Lifecycle l) { return (set & LifecycleBit(l)) != 0; }

}  // namespace

ResponseApdu Card::Dispatch(const CommandApdu& command, bool wrapped) {
  const uint8_t cla = apdu::WithoutChaining(command.cla);
  const bool chained = apdu::IsChained(command.cla);

  // The OS's own channel-level commands take no part in chaining.
  const bool is_select = cla == 0x00 && command.ins == kInsSelect;
  const bool is_initialize_update = cla == 0x80 && command.ins == kInsInitializeUpdate;
  if (is_select || is_initialize_update || (cla == 0x80 && command.ins == kInsExternalAuthenticate)) {
    if (chained) return Sw(apdu::kSwChainingNotSupported);
    if (chainer_.in_chain()) {
      chainer_.Reset();
      return Sw(apdu::kSwLastCommandExpected);
    }
    if (is_select) return Select(command);
    if (is_initialize_update) return InitializeUpdate(command);
    // EXTERNAL AUTHENTICATE must carry its C-MAC (CLA 84); inside an open channel it is refused.
    return Sw(apdu::kSwSecurityNotSatisfied);
  }

  bool ins_known = false;
  std::optional<Resolved> found = Lookup(cla, command.ins, &ins_known);
  if (!found.has_value()) {
    chainer_.Reset();
    return Sw(ins_known ? apdu::kSwClaNotSupported : apdu::kSwInsNotSupported);
  }
  const CommandSpec& spec = *found->spec;

  // docs/apdu.md "Secure channel": a command without secure messaging while the channel is open
  // closes it. Commands with condition "none" (GET DATA) stay readable in the clear.
  if (channel_.open() && !wrapped && spec.condition != Condition::kNone) {
    CloseChannel();
    return Sw(apdu::kSwSecurityNotSatisfied);
  }
  if (!Allowed(found->lifecycles, state_.lifecycle)) {
    chainer_.Reset();
    return Sw(apdu::kSwConditionsNotSatisfied);
  }
  if (uint16_t sw = CheckCondition(spec.condition, wrapped); sw != apdu::kSwOk) {
    chainer_.Reset();
    return Sw(sw);
  }

  // Chaining (ISO/IEC 7816-4 5.3.3) after unwrapping: every part is checked like a command of its
  // own, and all parts of one chain arrive the same way, all wrapped or all plain.
  if (chainer_.in_chain() && chain_wrapped_ != wrapped) {
    chainer_.Reset();
    return Sw(apdu::kSwLastCommandExpected);
  }
  Result<std::optional<CommandApdu>> joined = chainer_.Add(command);
  if (!joined.ok()) {
    return Sw(joined.status().code() == Code::kResourceExhausted ? apdu::kSwWrongLength
                                                                 : apdu::kSwLastCommandExpected);
  }
  if (!joined->has_value()) {
    chain_wrapped_ = wrapped;
    return Sw(apdu::kSwOk);
  }
  return Execute(spec, **joined);
}

uint16_t Card::CheckCondition(Condition condition, bool wrapped) const {
  // docs/apdu.md "Commands": channel = client key set at level 13 or 33; issuer = the issuer set.
  const bool protected_channel = wrapped && channel_.open() &&
                                 (channel_.level() & scp::kLevelStandard) == scp::kLevelStandard;
  switch (condition) {
    case Condition::kNone:
      return apdu::kSwOk;
    case Condition::kChannel:
      return protected_channel && channel_.kvn() == scp::kKvnClient ? apdu::kSwOk : apdu::kSwSecurityNotSatisfied;
    case Condition::kPin:
      return protected_channel && channel_.kvn() == scp::kKvnClient && session_.user_pin_verified
                 ? apdu::kSwOk
                 : apdu::kSwSecurityNotSatisfied;
    case Condition::kIssuer:
      return protected_channel && channel_.kvn() == scp::kKvnIssuer ? apdu::kSwOk : apdu::kSwSecurityNotSatisfied;
  }
  return apdu::kSwSecurityNotSatisfied;
}

ResponseApdu Card::Execute(const CommandSpec& spec, const CommandApdu& command) {
  CardState work = state_.Clone();
  const SessionState session_before = session_;
  CommandContext ctx{work, session_, rng_, clock_(), {}};
  ctx.persist_now = [this, &work]() -> Status {
    CardState next = work.Clone();
    next.generation = state_.generation + 1;
    SEDUN_RETURN_IF_ERROR(Commit(next));
    work.generation = state_.generation;
    return Status::Ok();
  };

  ResponseApdu response = spec.handler(ctx, command);
  if (response.sw == apdu::kSwOk) {
    // Commands that change nothing (signatures, reads) are not written back: no fsync per
    // signature, and no 6581 for a read on a full disk.
    Result<SecretBytes> encoded = EncodeCardImage(work);
    if (!encoded.ok()) {
      session_ = session_before;
      return Sw(apdu::kSwUnknown);
    }
    if (encoded->view().size() != image_.size() ||
        !std::equal(encoded->view().begin(), encoded->view().end(), image_.view().begin())) {
      work.generation = state_.generation + 1;
      Status s = Commit(work);
      if (!s.ok()) {
        // docs/apdu.md "Status words": 6581, the command had no effect (the RAM state too).
        session_ = session_before;
        return Sw(s.code() == Code::kInvalidArgument ? apdu::kSwUnknown : apdu::kSwMemoryFailure);
      }
    }
  } else if (response.sw == apdu::kSwMemoryFailure) {
    session_ = session_before;
  }
  return response;
}

Status Card::Commit(const CardState& next) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes image, EncodeCardImage(next));
  SEDUN_RETURN_IF_ERROR(store_->Commit(image.view()));
  state_ = next.Clone();
  image_ = std::move(image);
  return Status::Ok();
}

// SELECT by DF name (00 A4 04 00|0C AID). Selecting the application (again) starts a new session:
// the channel closes and the PIN state clears, as GlobalPlatform does for a re-selected
// application. A failed SELECT keeps the current selection (ISO/IEC 7816-4 7.1.1).
ResponseApdu Card::Select(const CommandApdu& command) {
  if (command.p1 != kSelectByName || (command.p2 != kSelectFirstWithFci && command.p2 != kSelectFirstNoData)) {
    return Sw(apdu::kSwIncorrectP1P2);
  }
  if (!std::equal(command.data.begin(), command.data.end(), std::begin(kApplicationAid), std::end(kApplicationAid))) {
    return Sw(apdu::kSwFileNotFound);
  }
  CloseChannel();
  selected_ = true;
  if (command.p2 == kSelectFirstNoData) return Sw(apdu::kSwOk);
  // FCI: 6F { 84 AID, A5 { 95 lifecycle, 96 serial, 97 user PIN tries left } }.
  apdu::TlvWriter w;
  w.Open(0x6F);
  w.Add(0x84, kApplicationAid);
  w.Add(0xA5, CardStatusObjects(state_, false));
  w.Close();
  Result<Bytes> fci = w.Finish();
  if (!fci.ok()) return Sw(apdu::kSwUnknown);
  return ResponseApdu{std::move(fci).value(), apdu::kSwOk};
}

// INITIALIZE UPDATE (80 50 KVN 00 08 host-challenge 00), docs/apdu.md "Secure channel". KVN 00
// picks the set the lifecycle allows; 01 the issuer set (factory state only); 30 the client set
// (after personalisation only). Another key version answers 6A88 (GlobalPlatform: referenced
// data not found). A new INITIALIZE UPDATE closes any open channel, whether it succeeds or not.
ResponseApdu Card::InitializeUpdate(const CommandApdu& command) {
  CloseChannel();
  if (state_.lifecycle == Lifecycle::kTerminated) return Sw(apdu::kSwConditionsNotSatisfied);
  if (command.p2 != 0x00) return Sw(apdu::kSwIncorrectP1P2);
  if (command.data.size() != scp::kChallengeSize) return Sw(apdu::kSwWrongLength);
  const bool factory = state_.lifecycle == Lifecycle::kFactory;
  uint8_t kvn = command.p1;
  if (kvn == 0x00) kvn = factory ? scp::kKvnIssuer : scp::kKvnClient;
  const SecretBytes* keys = nullptr;
  if (kvn == scp::kKvnIssuer && factory) keys = &state_.issuer_keys;
  if (kvn == scp::kKvnClient && !factory) keys = &state_.client_keys;
  if (keys == nullptr) return Sw(apdu::kSwReferencedDataNotFound);
  Result<scp::KeySet> key_set = scp::KeySet::FromBytes(keys->view());
  if (!key_set.ok()) return Sw(apdu::kSwUnknown);
  Bytes kdd = state_.serial;
  kdd.push_back(0x00);
  kdd.push_back(0x00);
  Result<Bytes> answer = channel_.InitializeUpdate(*key_set, kvn, kdd, command.data, rng_);
  if (!answer.ok()) {
    CloseChannel();
    return Sw(answer.status().code() == Code::kInvalidArgument ? apdu::kSwWrongLength : apdu::kSwUnknown);
  }
  return ResponseApdu{std::move(answer).value(), apdu::kSwOk};
}

}  // namespace sedun::se
