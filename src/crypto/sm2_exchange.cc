// SM2 key exchange protocol state (GB/T 32918.3-2016 §6.1).
#include "crypto/sm2_exchange.h"

#include "base/byte_reader.h"
#include "crypto/ct.h"
#include "crypto/kdf.h"

namespace sedun::crypto {
namespace sm2_internal {

Result<Sm2ExchangeDerived> DeriveExchange(ByteView shared_xy, ByteView za, ByteView zb, ByteView r_initiator,
                                          ByteView r_responder, size_t key_len) {
  ByteReader shared(shared_xy);
  ByteView x;
  ByteView y;
  if (!shared.ReadBytes(32, &x) || !shared.ReadBytes(32, &y) || !shared.empty() || za.size() != kSm3DigestSize ||
      zb.size() != kSm3DigestSize || r_initiator.size() != kSm2PointSize || r_responder.size() != kSm2PointSize) {
    return InvalidArgument("SM2 exchange: wrong input sizes");
  }
  Sm2ExchangeDerived out;
  // A8 / B7: K = KDF(x || y || ZA || ZB, klen).
  SecretBytes z(shared_xy);
  z.Append(za);
  z.Append(zb);
  SEDUN_ASSIGN_OR_RETURN(out.key, Sm2Kdf(z.view(), key_len));
  // A9 / B8 and A10 / B10: the shared inner hash over x, ZA, ZB and both ephemeral points
  // (x1 || y1 from RA, x2 || y2 from RB, without the 04 prefix).
  SEDUN_ASSIGN_OR_RETURN(Sm3 h, Sm3::Create());
  SEDUN_RETURN_IF_ERROR(h.Update(x));
  SEDUN_RETURN_IF_ERROR(h.Update(za));
  SEDUN_RETURN_IF_ERROR(h.Update(zb));
  SEDUN_RETURN_IF_ERROR(h.Update(r_initiator.subspan(1)));
  SEDUN_RETURN_IF_ERROR(h.Update(r_responder.subspan(1)));
  SEDUN_ASSIGN_OR_RETURN(out.inner, h.Final());
  const uint8_t kTagS1 = 0x02;
  const uint8_t kTagS2 = 0x03;
  for (auto [tag, dest] : {std::pair{kTagS1, &out.s1}, std::pair{kTagS2, &out.s2}}) {
    SEDUN_RETURN_IF_ERROR(h.Update(ByteView(&tag, 1)));
    SEDUN_RETURN_IF_ERROR(h.Update(y));
    SEDUN_RETURN_IF_ERROR(h.Update(out.inner));
    SEDUN_ASSIGN_OR_RETURN(*dest, h.Final());
  }
  return out;
}

}  // namespace sm2_internal

Result<Sm2KeyExchange> Sm2KeyExchange::Create(Sm2ExchangeRole role, const Sm2PrivateKey& own_key, ByteView own_id,
                                              const Sm2PublicKey& peer_key, ByteView peer_id, size_t key_len) {
  if (key_len == 0 || key_len > kSm2KdfMaxBytes) return InvalidArgument("SM2 exchange: key length out of range");
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest own_z, Sm2ComputeZa(own_key.public_key(), own_id));
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest peer_z, Sm2ComputeZa(peer_key, peer_id));
  const bool initiator = role == Sm2ExchangeRole::kInitiator;
  return Sm2KeyExchange(role, own_key.Clone(), peer_key, initiator ? own_z : peer_z, initiator ? peer_z : own_z,
                        key_len);
}

Result<Bytes> Sm2KeyExchange::Start(Rng& rng) {
  if (state_ != State::kNew) return FailedPrecondition("SM2 exchange: Start called twice");
  SEDUN_ASSIGN_OR_RETURN(Sm2EphemeralKey eph, DefaultSm2Engine().GenerateEphemeral(rng));
  Bytes point = ToBytes(eph.point);
  ephemeral_ = std::move(eph);
  state_ = State::kStarted;
  return point;
}

Result<Sm2ExchangeKeys> Sm2KeyExchange::Finish(ByteView peer_ephemeral) {
  if (state_ != State::kStarted) return FailedPrecondition("SM2 exchange: Finish needs exactly one Start");
  // One attempt per ephemeral key: whatever the outcome, r is wiped and the run is over, so a
  // peer cannot probe the same r with several points.
  state_ = State::kFinished;
  auto result = Derive(peer_ephemeral);
  ephemeral_->scalar.Wipe();
  return result;
}

Result<Sm2ExchangeKeys> Sm2KeyExchange::Derive(ByteView peer_ephemeral) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes shared,
                         DefaultSm2Engine().ExchangeSharedPoint(own_key_, *ephemeral_, peer_key_, peer_ephemeral));
  const bool initiator = role_ == Sm2ExchangeRole::kInitiator;
  const ByteView own_point(ephemeral_->point);
  SEDUN_ASSIGN_OR_RETURN(sm2_internal::Sm2ExchangeDerived derived,
                         sm2_internal::DeriveExchange(shared.view(), za_, zb_, initiator ? own_point : peer_ephemeral,
                                                      initiator ? peer_ephemeral : own_point, key_len_));
  Sm2ExchangeKeys out;
  out.key = std::move(derived.key);
  out.own_confirmation = initiator ? derived.s2 : derived.s1;
  expected_peer_confirmation_ = initiator ? derived.s1 : derived.s2;
  return out;
}

Status Sm2KeyExchange::VerifyPeerConfirmation(ByteView peer_confirmation) const {
  if (!expected_peer_confirmation_.has_value()) {
    return FailedPrecondition("SM2 exchange: confirmation checked before Finish");
  }
  if (!ConstantTimeEqual(peer_confirmation, *expected_peer_confirmation_)) {
    return VerifyFailed("SM2 exchange: peer confirmation does not match");
  }
  return Status::Ok();
}

}  // namespace sedun::crypto
