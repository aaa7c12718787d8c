// Tests of GENERATE KEY PAIR and READ PUBLIC KEY.
#include <gtest/gtest.h>

#include "crypto/sm2.h"
#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::Name;
using test::ResponseField;
using test::Slot;
using test::Tlvs;

class KeyPairCommandsTest : public AppletTest {
 protected:
  Bytes Request(const std::string& name, KeySlotId slot) {
    return Tlvs({{tag::kContainerName, Name(name)}, {tag::kKeySlot, Slot(slot)}});
  }
};

TEST_F(KeyPairCommandsTest, GeneratesAKeyPairInTheSlot) {
  MakeContainer("bank");
  auto r = Ok(&GenerateKeyPair, Request("bank", KeySlotId::kSign));
  auto point = ResponseField(r, tag::kPublicKey);
  ASSERT_TRUE(point.has_value());
  ASSERT_EQ(point->size(), 65u);
  EXPECT_EQ((*point)[0], 0x04);
  // The response holds nothing but 87.
  EXPECT_EQ(r.data.size(), 2u + 65u);

  const Container& c = *state_.FindContainer("bank");
  ASSERT_TRUE(c.sign.has_value());
  EXPECT_FALSE(c.encrypt.has_value());
  EXPECT_EQ(c.sign->public_key, *point);
  EXPECT_EQ(c.sign->private_key.size(), 32u);
  EXPECT_TRUE(c.sign->certificate.empty());
  auto priv = crypto::Sm2PrivateKey::FromScalar(c.sign->private_key.view());
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(ToBytes(priv->public_key().point()), *point);

  Ok(&GenerateKeyPair, Request("bank", KeySlotId::kEncrypt));
  EXPECT_TRUE(state_.FindContainer("bank")->encrypt.has_value());
  EXPECT_NE(state_.FindContainer("bank")->encrypt->public_key, *point);
}

TEST_F(KeyPairCommandsTest, RegenerationReplacesThePairAndItsCertificate) {
  Enrol("bank", KeySlotId::kSign);
  const Bytes old_key = state_.FindContainer("bank")->sign->public_key;
  ASSERT_FALSE(state_.FindContainer("bank")->sign->certificate.empty());
  Ok(&GenerateKeyPair, Request("bank", KeySlotId::kSign));
  const KeySlot& slot = *state_.FindContainer("bank")->sign;
  EXPECT_NE(slot.public_key, old_key);
  EXPECT_TRUE(slot.certificate.empty());
}

TEST_F(KeyPairCommandsTest, GenerateErrors) {
  MakeContainer("bank");
  ExpectError(&GenerateKeyPair, Request("nobody", KeySlotId::kSign), 0x6A88);
  ExpectError(&GenerateKeyPair, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80);
  ExpectError(&GenerateKeyPair, Tlvs({{tag::kKeySlot, Slot(KeySlotId::kSign)}}), 0x6A80);
  ExpectError(&GenerateKeyPair, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kKeySlot, {0x03}}}), 0x6A80);
  ExpectError(&GenerateKeyPair, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kKeySlot, {0x01, 0x02}}}), 0x6A80);
  ExpectError(&GenerateKeyPair,
              Tlvs({{tag::kContainerName, Name("bank")},
                    {tag::kKeySlot, Slot(KeySlotId::kSign)},
                    {tag::kKeySlot, Slot(KeySlotId::kEncrypt)}}),
              0x6A80);
}

TEST_F(KeyPairCommandsTest, GenerateStopsWhenStorageIsFull) {
  MakeContainer("bank");
  MakeKey("bank", KeySlotId::kSign);
  state_.capacity = state_.UsedBytes() + 96;  // a key pair takes 32 + 65 bytes
  ExpectError(&GenerateKeyPair, Request("bank", KeySlotId::kEncrypt), 0x6A84);
  // Replacing the existing pair needs no extra room.
  Ok(&GenerateKeyPair, Request("bank", KeySlotId::kSign));
  state_.capacity += 1;
  Ok(&GenerateKeyPair, Request("bank", KeySlotId::kEncrypt));
}

TEST_F(KeyPairCommandsTest, ReadsThePublicKey) {
  MakeContainer("bank");
  crypto::Sm2PublicKey key = MakeKey("bank", KeySlotId::kEncrypt);
  auto r = Ok(&ReadPublicKey, Request("bank", KeySlotId::kEncrypt));
  EXPECT_EQ(ResponseField(r, tag::kPublicKey), ToBytes(key.point()));
  EXPECT_EQ(r.data.size(), 2u + 65u);

  ExpectError(&ReadPublicKey, Request("bank", KeySlotId::kSign), 0x6A88);
  ExpectError(&ReadPublicKey, Request("nobody", KeySlotId::kEncrypt), 0x6A88);
  ExpectError(&ReadPublicKey, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80);
  EXPECT_EQ(Run(&ReadPublicKey, Request("bank", KeySlotId::kEncrypt), 0x00, 0x02).sw, 0x6A86);
}

}  // namespace
}  // namespace sedun::se::applet
