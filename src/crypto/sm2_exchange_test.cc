// SM2 key exchange tests: both vectors of tests/vectors/sm2_keyexchange.json with every
// intermediate (GB/T 32918.3 A.2 on the Fp-256 test curve through the curve-parametrised engine;
// the sm2p256v1 vector also through the two-party Sm2KeyExchange API), protocol order, and
// rejection of bad peer points and confirmations.
#include "crypto/sm2_exchange.h"

#include <gtest/gtest.h>

#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2_engine_ossl.h"
#include "crypto/sm2_test_util.h"

namespace sedun::crypto {
namespace {

using sedun::testing::HexField;
using sedun::testing::LoadVectors;
using testing::FixedRng;
using testing::Hex;

std::string Str(const nlohmann::json& v, const char* key) { return v[key].get<std::string>(); }

Bytes Point(const nlohmann::json& v, const char* x, const char* y) {
  return Concat({Hex("04"), HexField(v, x), HexField(v, y)});
}

// Every intermediate of one vector, computed with the group-level primitives.
void CheckVectorOnGroup(const nlohmann::json& v, const EC_GROUP* group) {
  SCOPED_TRACE(Str(v, "id"));
  const Bytes id_a = ToBytes(AsBytes(Str(v, "IDA_ascii")));
  const Bytes id_b = ToBytes(AsBytes(Str(v, "IDB_ascii")));
  const Bytes pa = Point(v, "xA", "yA");
  const Bytes pb = Point(v, "xB", "yB");
  const size_t klen = v["klen_bits"].get<size_t>() / 8;

  auto params = sm2_ossl::CurveZaParams(group);
  ASSERT_TRUE(params.ok());
  auto za = sm2_internal::ComputeZaWithCurve(*params, id_a, HexField(v, "xA"), HexField(v, "yA"));
  auto zb = sm2_internal::ComputeZaWithCurve(*params, id_b, HexField(v, "xB"), HexField(v, "yB"));
  ASSERT_TRUE(za.ok() && zb.ok());
  EXPECT_EQ(HexEncode(*za), v["ZA"]);
  EXPECT_EQ(HexEncode(*zb), v["ZB"]);

  // A1-A3 and B1-B2: RA = [rA]G, RB = [rB]G.
  FixedRng rng_a{HexField(v, "rA")};
  FixedRng rng_b{HexField(v, "rB")};
  auto eph_a = sm2_ossl::GenerateEphemeral(group, rng_a);
  auto eph_b = sm2_ossl::GenerateEphemeral(group, rng_b);
  ASSERT_TRUE(eph_a.ok() && eph_b.ok());
  EXPECT_EQ(HexEncode(eph_a->point), HexEncode(Point(v, "RA_x1", "RA_y1")));
  EXPECT_EQ(HexEncode(eph_b->point), HexEncode(Point(v, "RB_x2", "RB_y2")));
  EXPECT_EQ(HexEncode(sm2_ossl::ExchangeXBar(HexField(v, "RA_x1"))), v["x1bar"]);
  EXPECT_EQ(HexEncode(sm2_ossl::ExchangeXBar(HexField(v, "RB_x2"))), v["x2bar"]);

  // B3-B6: tB and V; A4-A7: tA and U.
  std::array<uint8_t, 32> t_b{};
  std::array<uint8_t, 32> t_a{};
  auto v_point = sm2_ossl::ExchangeSharedPoint(group, HexField(v, "dB"), *eph_b, pa, eph_a->point, &t_b);
  auto u_point = sm2_ossl::ExchangeSharedPoint(group, HexField(v, "dA"), *eph_a, pb, eph_b->point, &t_a);
  ASSERT_TRUE(v_point.ok()) << v_point.status().ToString();
  ASSERT_TRUE(u_point.ok()) << u_point.status().ToString();
  EXPECT_EQ(HexEncode(t_b), v["tB"]);
  EXPECT_EQ(HexEncode(t_a), v["tA"]);
  EXPECT_EQ(HexEncode(v_point->view()), Str(v, "xV") + Str(v, "yV"));
  EXPECT_EQ(HexEncode(u_point->view()), Str(v, "xU") + Str(v, "yU"));

  // B7-B8 / A8-A10: K, the inner hash, S1 (= SB) and S2 (= SA), identical on both sides.
  for (const SecretBytes* shared : {&*v_point, &*u_point}) {
    auto d = sm2_internal::DeriveExchange(shared->view(), *za, *zb, eph_a->point, eph_b->point, klen);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(HexEncode(d->key.view()), v["KA"]);
    EXPECT_EQ(HexEncode(d->key.view()), v["KB"]);
    EXPECT_EQ(HexEncode(d->inner), v["inner_hash"]);
    EXPECT_EQ(HexEncode(d->s1), v["SB_equals_S1"]);
    EXPECT_EQ(HexEncode(d->s2), v["SA_equals_S2"]);
  }
}

TEST(Sm2ExchangeKat, EveryVectorOnItsCurve) {
  const nlohmann::json file = LoadVectors("sm2_keyexchange.json");
  ossl::EcGroupPtr fp256 = testing::CurveFromVectors("sm2-test-fp256");
  ASSERT_TRUE(fp256);
  int checked = 0;
  for (const auto& v : file["vectors"]) {
    const EC_GROUP* group = Str(v, "curve") == "sm2p256v1" ? ossl::Sm2Group() : fp256.get();
    ASSERT_TRUE(Str(v, "curve") == "sm2p256v1" || Str(v, "curve") == "test");
    CheckVectorOnGroup(v, group);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// The sm2p256v1 vector through the public two-party API, with rA and rB fixed.
TEST(Sm2ExchangeKat, TwoPartyApiOnSm2p256v1) {
  const nlohmann::json file = LoadVectors("sm2_keyexchange.json");
  const nlohmann::json& v = file["vectors"][1];
  ASSERT_EQ(Str(v, "curve"), "sm2p256v1");
  auto key_a = Sm2PrivateKey::FromScalar(HexField(v, "dA"));
  auto key_b = Sm2PrivateKey::FromScalar(HexField(v, "dB"));
  ASSERT_TRUE(key_a.ok() && key_b.ok());
  EXPECT_EQ(HexEncode(key_a->public_key().point()), HexEncode(Point(v, "xA", "yA")));
  EXPECT_EQ(HexEncode(key_b->public_key().point()), HexEncode(Point(v, "xB", "yB")));
  const Bytes id_a = ToBytes(AsBytes(Str(v, "IDA_ascii")));
  const Bytes id_b = ToBytes(AsBytes(Str(v, "IDB_ascii")));
  const size_t klen = v["klen_bits"].get<size_t>() / 8;

  auto a = Sm2KeyExchange::Create(Sm2ExchangeRole::kInitiator, *key_a, id_a, key_b->public_key(), id_b, klen);
  auto b = Sm2KeyExchange::Create(Sm2ExchangeRole::kResponder, *key_b, id_b, key_a->public_key(), id_a, klen);
  ASSERT_TRUE(a.ok() && b.ok());
  FixedRng rng_a{HexField(v, "rA")};
  FixedRng rng_b{HexField(v, "rB")};
  auto ra = a->Start(rng_a);
  auto rb = b->Start(rng_b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(HexEncode(*ra), HexEncode(Point(v, "RA_x1", "RA_y1")));
  EXPECT_EQ(HexEncode(*rb), HexEncode(Point(v, "RB_x2", "RB_y2")));

  auto kb = b->Finish(*ra);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_EQ(HexEncode(kb->key.view()), v["KB"]);
  EXPECT_EQ(HexEncode(kb->own_confirmation), v["SB_equals_S1"]);
  auto ka = a->Finish(*rb);
  ASSERT_TRUE(ka.ok()) << ka.status().ToString();
  EXPECT_EQ(HexEncode(ka->key.view()), v["KA"]);
  EXPECT_EQ(HexEncode(ka->own_confirmation), v["SA_equals_S2"]);
  EXPECT_TRUE(a->VerifyPeerConfirmation(kb->own_confirmation).ok());
  EXPECT_TRUE(b->VerifyPeerConfirmation(ka->own_confirmation).ok());
  // Each side expects the other's value, not its own.
  EXPECT_EQ(a->VerifyPeerConfirmation(ka->own_confirmation).code(), Code::kVerifyFailed);
  EXPECT_EQ(b->VerifyPeerConfirmation(kb->own_confirmation).code(), Code::kVerifyFailed);
}

// --- Protocol behaviour ---------------------------------------------------------------------

struct Parties {
  Sm2PrivateKey a_key;
  Sm2PrivateKey b_key;
};

Parties NewParties() {
  auto a = Sm2PrivateKey::Generate();
  auto b = Sm2PrivateKey::Generate();
  EXPECT_TRUE(a.ok() && b.ok());
  return Parties{std::move(a).value(), std::move(b).value()};
}

Result<Sm2KeyExchange> Initiator(const Parties& p, size_t klen = 16, ByteView peer_id = kSm2DefaultId) {
  return Sm2KeyExchange::Create(Sm2ExchangeRole::kInitiator, p.a_key, AsBytes("alice"), p.b_key.public_key(),
                                peer_id, klen);
}
Result<Sm2KeyExchange> Responder(const Parties& p, size_t klen = 16) {
  return Sm2KeyExchange::Create(Sm2ExchangeRole::kResponder, p.b_key, kSm2DefaultId, p.a_key.public_key(),
                                AsBytes("alice"), klen);
}

TEST(Sm2Exchange, RandomRunsAgreeForSeveralLengths) {
  Parties p = NewParties();
  for (size_t klen : {size_t{1}, size_t{16}, size_t{32}, size_t{33}, size_t{100}}) {
    auto a = Initiator(p, klen);
    auto b = Responder(p, klen);
    ASSERT_TRUE(a.ok() && b.ok());
    auto ra = a->Start();
    auto rb = b->Start();
    ASSERT_TRUE(ra.ok() && rb.ok());
    auto kb = b->Finish(*ra);
    auto ka = a->Finish(*rb);
    ASSERT_TRUE(ka.ok() && kb.ok());
    EXPECT_EQ(ka->key.size(), klen);
    EXPECT_EQ(HexEncode(ka->key.view()), HexEncode(kb->key.view()));
    EXPECT_TRUE(a->VerifyPeerConfirmation(kb->own_confirmation).ok());
    EXPECT_TRUE(b->VerifyPeerConfirmation(ka->own_confirmation).ok());
  }
}

TEST(Sm2Exchange, MismatchedIdentityIsDetectedByConfirmation) {
  Parties p = NewParties();
  auto a = Initiator(p, 16, AsBytes("not bob's id"));
  auto b = Responder(p);
  ASSERT_TRUE(a.ok() && b.ok());
  auto ra = a->Start();
  auto rb = b->Start();
  ASSERT_TRUE(ra.ok() && rb.ok());
  auto kb = b->Finish(*ra);
  auto ka = a->Finish(*rb);
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_NE(HexEncode(ka->key.view()), HexEncode(kb->key.view()));
  EXPECT_EQ(a->VerifyPeerConfirmation(kb->own_confirmation).code(), Code::kVerifyFailed);
  EXPECT_EQ(b->VerifyPeerConfirmation(ka->own_confirmation).code(), Code::kVerifyFailed);
}

TEST(Sm2Exchange, BadConfirmationValues) {
  Parties p = NewParties();
  auto a = Initiator(p);
  auto b = Responder(p);
  ASSERT_TRUE(a.ok() && b.ok());
  auto ra = a->Start();
  auto rb = b->Start();
  ASSERT_TRUE(ra.ok() && rb.ok());
  auto kb = b->Finish(*ra);
  ASSERT_TRUE(a->Finish(*rb).ok());
  ASSERT_TRUE(kb.ok());
  Sm3Digest altered = kb->own_confirmation;
  altered[31] ^= 1;
  EXPECT_EQ(a->VerifyPeerConfirmation(altered).code(), Code::kVerifyFailed);
  EXPECT_EQ(a->VerifyPeerConfirmation(ByteView(kb->own_confirmation).first(31)).code(), Code::kVerifyFailed);
  EXPECT_EQ(a->VerifyPeerConfirmation(ByteView()).code(), Code::kVerifyFailed);
  EXPECT_TRUE(a->VerifyPeerConfirmation(kb->own_confirmation).ok());
}

TEST(Sm2Exchange, BadPeerEphemeralEndsTheRun) {
  Parties p = NewParties();
  auto a = Initiator(p);
  auto b = Responder(p);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->Start().ok());
  auto rb = b->Start();
  ASSERT_TRUE(rb.ok());
  Bytes off_curve = *rb;
  off_curve[64] ^= 1;
  EXPECT_EQ(a->Finish(off_curve).status().code(), Code::kMalformed);
  // The ephemeral key is spent: a second attempt, even with a good point, is refused.
  EXPECT_EQ(a->Finish(*rb).status().code(), Code::kFailedPrecondition);

  auto a2 = Initiator(p);
  ASSERT_TRUE(a2.ok());
  ASSERT_TRUE(a2->Start().ok());
  EXPECT_EQ(a2->Finish(ByteView(*rb).first(64)).status().code(), Code::kMalformed);
  auto a3 = Initiator(p);
  ASSERT_TRUE(a3.ok());
  ASSERT_TRUE(a3->Start().ok());
  Bytes compressed = *rb;
  compressed[0] = 0x03;
  EXPECT_EQ(a3->Finish(compressed).status().code(), Code::kMalformed);
}

TEST(Sm2Exchange, StepsMustRunInOrder) {
  Parties p = NewParties();
  auto a = Initiator(p);
  ASSERT_TRUE(a.ok());
  Bytes some_point = ToBytes(p.b_key.public_key().point());
  EXPECT_EQ(a->Finish(some_point).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(a->VerifyPeerConfirmation(Bytes(32)).code(), Code::kFailedPrecondition);
  ASSERT_TRUE(a->Start().ok());
  EXPECT_EQ(a->Start().status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(a->Finish(some_point).ok());
  EXPECT_EQ(a->Finish(some_point).status().code(), Code::kFailedPrecondition);
}

TEST(Sm2Exchange, CreateValidatesArguments) {
  Parties p = NewParties();
  EXPECT_EQ(Initiator(p, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Initiator(p, kSm2KdfMaxBytes + 1).status().code(), Code::kInvalidArgument);
  Bytes long_id(kSm2MaxIdSize + 1, 'x');
  EXPECT_EQ(Initiator(p, 16, long_id).status().code(), Code::kInvalidArgument);
  FixedRng empty;
  auto a = Initiator(p);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->Start(empty).status().code(), Code::kCrypto);
}

}  // namespace
}  // namespace sedun::crypto
