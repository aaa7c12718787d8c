// Tests of the Sm2PrivateKey/Sm2PublicKey <-> EVP_PKEY bridge.
#include "pki/ossl_key.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "pki/pki_test_util.h"

namespace sedun::pki {
namespace {

using crypto::ossl::EvpPkeyCtxPtr;
using crypto::ossl::EvpPkeyPtr;
using testing::NewKey;

TEST(OsslKey, PrivateRoundTrip) {
  auto key = NewKey();
  auto pkey = ToEvpPkey(key);
  ASSERT_TRUE(pkey.ok()) << pkey.status().ToString();
  EXPECT_TRUE(EVP_PKEY_is_a(pkey->get(), "SM2"));
  auto back = Sm2PrivateKeyFromEvp(pkey->get());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToBytes(back->scalar().view()), ToBytes(key.scalar().view()));
  auto pub = Sm2PublicKeyFromEvp(pkey->get());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(*pub == key.public_key());
}

TEST(OsslKey, PublicRoundTrip) {
  auto key = NewKey();
  auto pkey = ToEvpPkey(key.public_key());
  ASSERT_TRUE(pkey.ok()) << pkey.status().ToString();
  EXPECT_TRUE(EVP_PKEY_is_a(pkey->get(), "SM2"));
  auto pub = Sm2PublicKeyFromEvp(pkey->get());
  ASSERT_TRUE(pub.ok());
  EXPECT_TRUE(*pub == key.public_key());
  // A public-only key has no private part.
  EXPECT_EQ(Sm2PrivateKeyFromEvp(pkey->get()).status().code(), Code::kInvalidArgument);
}

EvpPkeyPtr GenerateEc(const char* type, const char* group) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
      OSSL_PARAM_construct_end()};
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_params(ctx.get(), params), 1);
  EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &pkey), 1);
  return EvpPkeyPtr(pkey);
}

TEST(OsslKey, EcTypeOnSm2CurveIsAccepted) {
  // Key type "EC" on the SM2 curve (as some decoders produce): same numbers, accepted.
  EvpPkeyPtr pkey = GenerateEc("EC", "SM2");
  ASSERT_TRUE(pkey);
  auto key = Sm2PrivateKeyFromEvp(pkey.get());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  // Converting back always yields an "SM2" key, so that it signs with SM2 rather than ECDSA.
  EXPECT_TRUE(EVP_PKEY_is_a(ToEvpPkey(*key)->get(), "SM2"));
}

TEST(OsslKey, RejectsOtherKeys) {
  EvpPkeyPtr p256 = GenerateEc("EC", "P-256");
  auto r = Sm2PublicKeyFromEvp(p256.get());
  EXPECT_EQ(r.status().code(), Code::kUnsupported);
  EXPECT_NE(r.status().message().find("prime256v1"), std::string::npos) << r.status().ToString();
  EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_TRUE(ed);
  EXPECT_EQ(Sm2PrivateKeyFromEvp(ed.get()).status().code(), Code::kUnsupported);
  EXPECT_EQ(Sm2PublicKeyFromEvp(nullptr).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::pki
