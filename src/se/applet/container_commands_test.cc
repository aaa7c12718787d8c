// Tests of CREATE CONTAINER, DELETE CONTAINER and LIST CONTAINERS.
#include <gtest/gtest.h>

#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::Name;
using test::Slot;
using test::Tlvs;

class ContainerCommandsTest : public AppletTest {};

TEST_F(ContainerCommandsTest, CreatesContainersWithUniqueNames) {
  auto r = Ok(&CreateContainer, Tlvs({{tag::kContainerName, Name("bank")}}));
  EXPECT_TRUE(r.data.empty());
  ASSERT_EQ(state_.containers.size(), 1u);
  EXPECT_EQ(state_.containers[0].name, "bank");
  EXPECT_FALSE(state_.containers[0].sign.has_value());
  Ok(&CreateContainer, Tlvs({{tag::kContainerName, Name(std::string(32, 'n'))}}));
  Ok(&CreateContainer, Tlvs({{tag::kContainerName, Name("\xE5\xB7\xA5\xE8\xA1\x8C")}}));  // 工行
  EXPECT_EQ(state_.containers.size(), 3u);

  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A89);
}

TEST_F(ContainerCommandsTest, CreateRejectsBadData) {
  ExpectError(&CreateContainer, {}, 0x6A80);                                                  // missing 81
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, {}}}), 0x6A80);                   // empty
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name(std::string(33, 'n'))}}), 0x6A80);
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, {0xC3, 0x28}}}), 0x6A80);         // not UTF-8
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name("a")}, {tag::kContainerName, Name("b")}}),
              0x6A80);
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name("a")}, {tag::kKeySlot, Slot(KeySlotId::kSign)}}),
              0x6A80);
  EXPECT_EQ(Run(&CreateContainer, Tlvs({{tag::kContainerName, Name("a")}}), 0x01, 0x00).sw, 0x6A86);
  EXPECT_TRUE(state_.containers.empty());
}

TEST_F(ContainerCommandsTest, CreateStopsAtTheContainerLimit) {
  for (size_t i = 0; i < kMaxContainers; ++i) MakeContainer("c" + std::to_string(i));
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name("one more")}}), 0x6A84);
}

TEST_F(ContainerCommandsTest, CreateStopsWhenStorageIsFull) {
  MakeContainer("first");
  state_.capacity = state_.UsedBytes() + 4;
  ExpectError(&CreateContainer, Tlvs({{tag::kContainerName, Name("fifth")}}), 0x6A84);
  Ok(&CreateContainer, Tlvs({{tag::kContainerName, Name("four")}}));
  EXPECT_EQ(state_.UsedBytes(), state_.capacity);
}

TEST_F(ContainerCommandsTest, DeleteDestroysKeysAndCertificates) {
  Enrol("bank", KeySlotId::kSign);
  MakeKey("bank", KeySlotId::kEncrypt);
  MakeContainer("other");
  const uint32_t with_bank = state_.UsedBytes();
  Ok(&DeleteContainer, Tlvs({{tag::kContainerName, Name("bank")}}));
  ASSERT_EQ(state_.containers.size(), 1u);
  EXPECT_EQ(state_.containers[0].name, "other");
  EXPECT_LT(state_.UsedBytes(), with_bank);  // JR/T 5.4.1 b: the space is freed

  ExpectError(&DeleteContainer, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A88);
  ExpectError(&DeleteContainer, {}, 0x6A80);
  ExpectError(&DeleteContainer, Tlvs({{tag::kContainerName, Name(std::string(33, 'x'))}}), 0x6A80);
  // The name is free again.
  MakeContainer("bank");
}

TEST_F(ContainerCommandsTest, ListShowsNamesPublicKeysAndCertificates) {
  auto empty = Ok(&ListContainers, {});
  EXPECT_TRUE(empty.data.empty());

  pki::Certificate cert = Enrol("bank", KeySlotId::kSign);
  crypto::Sm2PublicKey enc = MakeKey("bank", KeySlotId::kEncrypt);
  MakeContainer("spare");
  auto r = Ok(&ListContainers, {});
  auto tlvs = apdu::ParseTlvs(r.data);
  ASSERT_TRUE(tlvs.ok());
  ASSERT_EQ(tlvs->size(), 2u);

  const apdu::Tlv& bank = (*tlvs)[0];
  EXPECT_EQ(bank.tag, tag::kContainerEntry);
  ASSERT_EQ(bank.children.size(), 6u);
  EXPECT_EQ(bank.children[0].tag, tag::kContainerName);
  EXPECT_EQ(ToBytes(bank.children[0].value), Name("bank"));
  EXPECT_EQ(bank.children[1].tag, tag::kKeySlot);
  EXPECT_EQ(ToBytes(bank.children[1].value), Slot(KeySlotId::kSign));
  EXPECT_EQ(bank.children[2].tag, tag::kPublicKey);
  EXPECT_EQ(ToBytes(bank.children[2].value), ToBytes(cert.public_key()->point()));
  EXPECT_EQ(bank.children[3].tag, tag::kCertificate);
  EXPECT_EQ(ToBytes(bank.children[3].value), cert.ToDer());
  EXPECT_EQ(bank.children[4].tag, tag::kKeySlot);
  EXPECT_EQ(ToBytes(bank.children[4].value), Slot(KeySlotId::kEncrypt));
  EXPECT_EQ(bank.children[5].tag, tag::kPublicKey);
  EXPECT_EQ(ToBytes(bank.children[5].value), ToBytes(enc.point()));  // no certificate yet

  const apdu::Tlv& spare = (*tlvs)[1];
  ASSERT_EQ(spare.children.size(), 1u);
  EXPECT_EQ(ToBytes(spare.children[0].value), Name("spare"));

  ExpectError(&ListContainers, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80);
  EXPECT_EQ(Run(&ListContainers, {}, 0x00, 0x01).sw, 0x6A86);
}

}  // namespace
}  // namespace sedun::se::applet
