// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER (JR/T 0093.6 7.2: "when the PIN is
// entered wrongly as many times in a row as the limit allows, the application locks"; docs/apdu.md
// notes on PINs).
//
// The counting rule: the retry counter is decremented and written to storage (ctx.persist_now)
// before the PIN is compared, so cutting the power during the comparison costs a try instead of
// giving a free one. The write is pessimistic: when the decrement reaches zero it also writes the
// blocked lifecycle (LOCKED for the user PIN, TERMINATED for the administrator PIN), so no crash
// can leave a card with an exhausted counter that is not blocked. A match then restores both in
// the working copy, which the dispatcher commits with the 9000. If persist_now fails the PIN is
// not compared (6581).
//
// Session state (film-shield 2.3.3 (3): a failed authentication clears its security state bit):
// the verified flag of the PIN in question is cleared before every comparison and set only by a
// successful VERIFY.
#include "crypto/ct.h"
#include "se/os_commands/os_commands.h"
#include "se/os_commands/pin_verifier.h"

namespace sedun::se {
namespace {

using apdu::ResponseApdu;

const ResponseApdu kOk{{}, apdu::kSwOk};

bool& VerifiedFlag(SessionState& session, PinRef ref) {
  return ref == PinRef::kUser ? session.user_pin_verified : session.admin_pin_verified;
}

// P2 of VERIFY and CHANGE REFERENCE DATA: 01 user, 02 admin (docs/apdu.md).
bool PinRefFromP2(uint8_t p2, PinRef* out) {
  if (p2 != static_cast<uint8_t>(PinRef::kUser) && p2 != static_cast<uint8_t>(PinRef::kAdmin)) return false;
  *out = static_cast<PinRef>(p2);
  return true;
}

// The lifecycle gate the dispatcher leaves to these commands: in the locked state the user PIN
// is blocked (6983) and the administrator PIN serves only RESET RETRY COUNTER (6985).
uint16_t LockedStateSw(const CardState& state, PinRef ref) {
  if (state.lifecycle != Lifecycle::kLocked) return apdu::kSwOk;
  return ref == PinRef::kUser ? apdu::kSwAuthMethodBlocked : apdu::kSwConditionsNotSatisfied;
}

// Decrements, persists, compares. Returns 9000 on a match (counter and lifecycle restored in the
// working copy), 63Cx on a mismatch (x tries left, 63C0 for the try that blocks the PIN), 6983
// when the PIN was blocked already, 6581 when the counter could not be written.
uint16_t CountedCompare(CommandContext& ctx, PinRef ref, ByteView pin) {
  PinRecord& rec = PinFor(ctx.state, ref);
  if (!rec.set) return apdu::kSwReferencedDataNotFound;
  if (rec.tries_left == 0) return apdu::kSwAuthMethodBlocked;
  VerifiedFlag(ctx.session, ref) = false;
  const Lifecycle before = ctx.state.lifecycle;
  rec.tries_left = static_cast<uint8_t>(rec.tries_left - 1);
  if (rec.tries_left == 0) {
    ctx.state.lifecycle = ref == PinRef::kUser ? Lifecycle::kLocked : Lifecycle::kTerminated;
  }
  if (!ctx.persist_now || !ctx.persist_now().ok()) return apdu::kSwMemoryFailure;
  Result<SecretBytes> candidate = DerivePinVerifier(ctx.state.pin_salt.view(), ref, pin);
  if (!candidate.ok()) return apdu::kSwUnknown;
  if (!crypto::ConstantTimeEqual(candidate->view(), rec.verifier.view())) {
    return apdu::SwTriesLeft(rec.tries_left);
  }
  rec.tries_left = rec.retry_limit;
  ctx.state.lifecycle = before;
  return apdu::kSwOk;
}

// docs/apdu.md "Lifecycle": the card is in use from the first successful user PIN check.
void MarkInUse(CardState& state, PinRef ref) {
  if (ref == PinRef::kUser && state.lifecycle == Lifecycle::kPersonalised) state.lifecycle = Lifecycle::kInUse;
}

}  // namespace

// 00 20 00 P2 [91 PIN]. Empty data asks for the state of the PIN without trying it (ISO/IEC
// 7816-4 VERIFY): 9000 when it is verified in this session, 6983 when blocked, else 63Cx.
ResponseApdu Verify(CommandContext& ctx, const apdu::CommandApdu& command) {
  PinRef ref;
  if (command.p1 != 0x00 || !PinRefFromP2(command.p2, &ref)) return SwOnly(apdu::kSwIncorrectP1P2);
  if (uint16_t sw = LockedStateSw(ctx.state, ref); sw != apdu::kSwOk) return SwOnly(sw);
  const PinRecord& rec = PinFor(ctx.state, ref);
  if (!rec.set) return SwOnly(apdu::kSwReferencedDataNotFound);
  if (command.data.empty()) {
    if (rec.tries_left == 0) return SwOnly(apdu::kSwAuthMethodBlocked);
    return SwOnly(VerifiedFlag(ctx.session, ref) ? apdu::kSwOk : apdu::SwTriesLeft(rec.tries_left));
  }
  OsRequest req;
  // A PIN of a length no PIN can have is bad data, not a wrong PIN: no try is counted.
  if (!ParseOsRequest(command.data, {os_tag::kPin}, {}, &req) || !PinSizeOk(req.Get(os_tag::kPin))) {
    return SwOnly(apdu::kSwIncorrectData);
  }
  uint16_t sw = CountedCompare(ctx, ref, req.Get(os_tag::kPin));
  if (sw != apdu::kSwOk) return SwOnly(sw);
  VerifiedFlag(ctx.session, ref) = true;
  MarkInUse(ctx.state, ref);
  return kOk;
}

// 00 24 00 P2 91 old 92 new. The old PIN is counted like VERIFY; the new one must be 6-16 bytes.
// The verified flag is left as VERIFY set it (cleared by a wrong old PIN).
ResponseApdu ChangeReferenceData(CommandContext& ctx, const apdu::CommandApdu& command) {
  PinRef ref;
  if (command.p1 != 0x00 || !PinRefFromP2(command.p2, &ref)) return SwOnly(apdu::kSwIncorrectP1P2);
  if (uint16_t sw = LockedStateSw(ctx.state, ref); sw != apdu::kSwOk) return SwOnly(sw);
  OsRequest req;
  if (!ParseOsRequest(command.data, {os_tag::kPin, os_tag::kNewPin}, {}, &req) ||
      !PinSizeOk(req.Get(os_tag::kPin)) || !PinSizeOk(req.Get(os_tag::kNewPin))) {
    return SwOnly(apdu::kSwIncorrectData);
  }
  const bool was_verified = VerifiedFlag(ctx.session, ref);
  uint16_t sw = CountedCompare(ctx, ref, req.Get(os_tag::kPin));
  if (sw != apdu::kSwOk) return SwOnly(sw);
  VerifiedFlag(ctx.session, ref) = was_verified;
  Result<SecretBytes> verifier = DerivePinVerifier(ctx.state.pin_salt.view(), ref, req.Get(os_tag::kNewPin));
  if (!verifier.ok()) return SwOnly(apdu::kSwUnknown);
  PinFor(ctx.state, ref).verifier = std::move(verifier).value();
  MarkInUse(ctx.state, ref);
  return kOk;
}

// 00 2C 00 01 91 admin PIN 92 new user PIN: the administrator PIN, counted like VERIFY, sets a
// new user PIN with a full counter and unblocks a locked card. Blocking the administrator PIN
// here terminates the card.
ResponseApdu ResetRetryCounter(CommandContext& ctx, const apdu::CommandApdu& command) {
  if (command.p1 != 0x00 || command.p2 != static_cast<uint8_t>(PinRef::kUser)) {
    return SwOnly(apdu::kSwIncorrectP1P2);
  }
  OsRequest req;
  if (!ParseOsRequest(command.data, {os_tag::kPin, os_tag::kNewPin}, {}, &req) ||
      !PinSizeOk(req.Get(os_tag::kPin)) || !PinSizeOk(req.Get(os_tag::kNewPin))) {
    return SwOnly(apdu::kSwIncorrectData);
  }
  if (!ctx.state.user_pin.set) return SwOnly(apdu::kSwReferencedDataNotFound);
  uint16_t sw = CountedCompare(ctx, PinRef::kAdmin, req.Get(os_tag::kPin));
  if (sw != apdu::kSwOk) return SwOnly(sw);
  Result<SecretBytes> verifier =
      DerivePinVerifier(ctx.state.pin_salt.view(), PinRef::kUser, req.Get(os_tag::kNewPin));
  if (!verifier.ok()) return SwOnly(apdu::kSwUnknown);
  PinRecord& user = ctx.state.user_pin;
  user.verifier = std::move(verifier).value();
  user.tries_left = user.retry_limit;
  ctx.session.user_pin_verified = false;
  // A locked card has been in its user's hands: it returns to IN USE, not to PERSONALISED.
  if (ctx.state.lifecycle == Lifecycle::kLocked) ctx.state.lifecycle = Lifecycle::kInUse;
  return kOk;
}

}  // namespace sedun::se
