// Tests of the application command table (docs/apdu.md "Commands") and of properties every
// command shares: P1-P2 checking, and no response ever carrying a private key (JR/T 5.4.2 d).
#include "se/applet/command_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/envelope.h"
#include "crypto/sm2.h"
#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::Name;
using test::Slot;
using test::Tlvs;

struct Expected {
  uint8_t ins;
  Condition condition;
  Handler handler;
};

TEST(CommandTableTest, MatchesTheSpecification) {
  const Expected expected[] = {
      {0xE0, Condition::kPin, &CreateContainer},      {0xE4, Condition::kPin, &DeleteContainer},
      {0xE2, Condition::kChannel, &ListContainers},   {0x46, Condition::kPin, &GenerateKeyPair},
      {0x48, Condition::kChannel, &ReadPublicKey},    {0x4A, Condition::kPin, &CertificationRequest},
      {0xD0, Condition::kPin, &ImportCertificate},    {0xD2, Condition::kChannel, &ExportCertificate},
      {0xD4, Condition::kChannel, &ReadCertificate},  {0xD6, Condition::kPin, &DeleteCertificate},
      {0x2A, Condition::kPin, &Sign},                 {0x2C, Condition::kChannel, &VerifySignature},
      {0x2E, Condition::kChannel, &Encrypt},          {0x30, Condition::kPin, &Decrypt},
      {0x32, Condition::kPin, &OpenEnvelope},         {0x34, Condition::kPin, &SignWithServerCheck},
  };
  std::span<const CommandSpec> table = ApplicationCommands();
  ASSERT_EQ(table.size(), std::size(expected));
  std::set<uint8_t> seen;
  for (const Expected& e : expected) {
    auto it = std::find_if(table.begin(), table.end(), [&](const CommandSpec& s) { return s.ins == e.ins; });
    ASSERT_NE(it, table.end()) << std::hex << int{e.ins};
    EXPECT_EQ(it->cla, 0x80);
    EXPECT_EQ(it->condition, e.condition) << it->name;
    EXPECT_EQ(it->handler, e.handler) << it->name;
    ASSERT_NE(it->name, nullptr);
    EXPECT_TRUE(seen.insert(it->ins).second);
    // ISO/IEC 7816-3: odd INS and 6x / 9x are not usable with T=0.
    EXPECT_EQ(it->ins & 1, 0);
    EXPECT_NE(it->ins & 0xF0, 0x60);
    EXPECT_NE(it->ins & 0xF0, 0x90);
  }
}

class CommonBehaviourTest : public AppletTest {};

TEST_F(CommonBehaviourTest, EveryCommandChecksP1P2AndLeavesTheStateAlone) {
  Enrol("bank", KeySlotId::kSign);
  const std::string before = test::Snapshot(state_);
  for (const CommandSpec& spec : ApplicationCommands()) {
    for (auto [p1, p2] : {std::pair<uint8_t, uint8_t>{1, 0}, {0, 1}, {0xFF, 0xFF}}) {
      session_.user_pin_verified = true;
      auto r = Run(spec.handler, Tlvs({{tag::kContainerName, Name("bank")}}), p1, p2);
      EXPECT_EQ(r.sw, 0x6A86) << spec.name;
      EXPECT_TRUE(r.data.empty());
    }
  }
  EXPECT_EQ(test::Snapshot(state_), before);
}

TEST_F(CommonBehaviourTest, EveryCommandRejectsGarbageData) {
  Enrol("bank", KeySlotId::kSign);
  const std::string before = test::Snapshot(state_);
  for (const CommandSpec& spec : ApplicationCommands()) {
    for (const Bytes& data : {Bytes{0x81}, Bytes{0x00, 0x00}, Bytes{0xFF, 0x01, 0x00}, Bytes{0x9F, 0x02, 0x00}}) {
      session_.user_pin_verified = true;
      auto r = Run(spec.handler, data);
      EXPECT_EQ(r.sw, 0x6A80) << spec.name;
      EXPECT_TRUE(r.data.empty());
    }
  }
  EXPECT_EQ(test::Snapshot(state_), before);
}

// Runs a full enrolment and every command that uses the private keys, and looks for the private
// scalars in every response.
TEST_F(CommonBehaviourTest, NoResponseCarriesAPrivateKey) {
  std::vector<Bytes> responses;
  auto keep = [&](const apdu::ResponseApdu& r) {
    EXPECT_EQ(r.sw, 0x9000) << apdu::SwToString(r.sw);
    responses.push_back(r.data);
  };
  const Bytes bank = Name("bank");
  keep(Run(&CreateContainer, Tlvs({{tag::kContainerName, bank}})));
  for (KeySlotId id : {KeySlotId::kSign, KeySlotId::kEncrypt}) {
    keep(Run(&GenerateKeyPair, Tlvs({{tag::kContainerName, bank}, {tag::kKeySlot, Slot(id)}})));
    session_.user_pin_verified = true;
    const Bytes subject = {0x30, 0x0F, 0x31, 0x0D, 0x30, 0x0B, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x04, 'u', 's', 'e', 'r'};
    keep(Run(&CertificationRequest,
             Tlvs({{tag::kContainerName, bank}, {tag::kKeySlot, Slot(id)}, {tag::kSubject, subject}})));
    keep(Run(&ImportCertificate, Tlvs({{tag::kContainerName, bank},
                                       {tag::kKeySlot, Slot(id)},
                                       {tag::kCertificate, pki_.Chain(IssueFor("bank", id, {static_cast<uint8_t>(id)}))}})));
    keep(Run(&ReadPublicKey, Tlvs({{tag::kContainerName, bank}, {tag::kKeySlot, Slot(id)}})));
    keep(Run(&ExportCertificate, Tlvs({{tag::kContainerName, bank}, {tag::kKeySlot, Slot(id)}})));
  }
  keep(Run(&ListContainers, {}));
  keep(Run(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x01}}})));
  session_.user_pin_verified = true;
  keep(Run(&Sign, Tlvs({{tag::kContainerName, bank}, {tag::kData, {1, 2, 3}}})));
  session_.user_pin_verified = true;
  keep(Run(&SignWithServerCheck, Tlvs({{tag::kContainerName, bank},
                                       {tag::kData, {4, 5}},
                                       {tag::kServerSignature, crypto::Sm2Sign(pki_.server_key, Bytes{4, 5}).value()}})));
  const Container& c = *state_.FindContainer("bank");
  const crypto::Sm2PublicKey enc_pub = crypto::Sm2PublicKey::FromUncompressed(c.encrypt->public_key).value();
  keep(Run(&Decrypt, Tlvs({{tag::kContainerName, bank}, {tag::kCiphertext, crypto::Sm2Encrypt(enc_pub, Bytes{9}).value()}})));
  keep(Run(&OpenEnvelope, Tlvs({{tag::kContainerName, bank}, {tag::kEnvelope, crypto::SealEnvelope(enc_pub, Bytes{8}).value()}})));

  for (const SecretBytes* scalar : {&c.sign->private_key, &c.encrypt->private_key}) {
    ASSERT_EQ(scalar->size(), 32u);
    // Any 8 consecutive bytes of the scalar would be a leak.
    for (size_t off = 0; off + 8 <= scalar->size(); off += 8) {
      ByteView piece = scalar->view().subspan(off, 8);
      for (const Bytes& r : responses) {
        EXPECT_EQ(std::search(r.begin(), r.end(), piece.begin(), piece.end()), r.end());
      }
    }
  }
}

}  // namespace
}  // namespace sedun::se::applet
