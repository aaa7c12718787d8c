// Card OS over a whole card life: personalisation, the secure channel conditions, the PIN rules
// and the lifecycle walk factory -> personalised -> in use -> locked -> unblocked -> terminated,
// plus the working-copy-and-commit rule under storage failure.
#include <gtest/gtest.h>

#include "se/card.h"
#include "se/card_test_host.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

using namespace sedun::se::testing;
using apdu::ResponseApdu;

apdu::CommandApdu CreateContainerCmd(std::string_view name) { return Cmd(0x80, 0xE0, 0x00, 0x00, Tlv(0x81, name)); }
apdu::CommandApdu ListContainersCmd() { return Cmd(0x80, 0xE2, 0x00, 0x00, {}, 256); }
apdu::CommandApdu RrcCmd(std::string_view admin, std::string_view new_user) {
  return Cmd(0x00, 0x2C, 0x00, 0x01, Concat({Tlv(0x91, admin), Tlv(0x92, new_user)}));
}
apdu::CommandApdu ChangePinCmd(std::string_view old_pin, std::string_view new_pin, uint8_t p2 = 0x01) {
  return Cmd(0x00, 0x24, 0x00, p2, Concat({Tlv(0x91, old_pin), Tlv(0x92, new_pin)}));
}

class PersonalisedCard : public ::testing::Test {
 protected:
  void SetUp() override {
    t_ = NewTestCard();
    Personalise(t_, 3, 3);
    host_ = std::make_unique<TestHost>(*t_.card);
    ASSERT_EQ(host_->Select(), apdu::kSwOk);
  }
  uint16_t Open() { return host_->OpenChannel(t_.client_keys.view(), scp::kKvnClient); }
  uint16_t Send(const apdu::CommandApdu& c) { return host_->Send(c).sw; }
  Lifecycle lifecycle() const { return t_.card->state().lifecycle; }

  TestCard t_;
  std::unique_ptr<TestHost> host_;
};

TEST(CardPersonalisation, NeedsTheIssuerChannelAndEveryItem) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  const TestPki& pki = TestPki::Get();
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  // Plain personalisation commands: no channel.
  EXPECT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, t.client_keys.view()))).sw, apdu::kSwSecurityNotSatisfied);
  // The client key set does not exist yet; a wrong issuer key set fails the card cryptogram.
  EXPECT_EQ(host.OpenChannel(t.client_keys.view(), scp::kKvnClient), apdu::kSwReferencedDataNotFound);
  EXPECT_NE(host.OpenChannel(t.client_keys.view(), scp::kKvnIssuer), apdu::kSwOk);
  ASSERT_EQ(host.OpenChannel(t.created.issuer_keys.view(), 0x00), apdu::kSwOk);  // KVN 00: issuer in factory
  // FINISH before the items: 6985.
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0xFF)).sw, apdu::kSwConditionsNotSatisfied);
  // Bad data.
  EXPECT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, Bytes(47, 1)))).sw, apdu::kSwIncorrectData);
  EXPECT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x31, Tlv(0x94, t.client_keys.view()))).sw, apdu::kSwIncorrectP1P2);
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, pki.ServerChain()))).sw,
            apdu::kSwConditionsNotSatisfied);  // no anchor yet
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, pki.ca.ToDer()))).sw,
            apdu::kSwIncorrectData);  // not self-signed
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, Bytes{0x30, 0x00}))).sw, apdu::kSwIncorrectData);
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, "12345"), Tlv(0x93, 3)}))).sw,
            apdu::kSwIncorrectData);  // PIN too short
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, "12345678901234567"), Tlv(0x93, 3)}))).sw,
            apdu::kSwIncorrectData);  // too long
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, 7)}))).sw,
            apdu::kSwIncorrectData);  // limit 7
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, 0)}))).sw,
            apdu::kSwIncorrectData);  // limit 0
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Tlv(0x92, kUserPin))).sw, apdu::kSwIncorrectData);  // no limit
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, 3), Tlv(0x93, 3)}))).sw,
            apdu::kSwIncorrectData);  // repeated tag
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x13, Concat({Tlv(0x92, kUserPin), Tlv(0x93, 3)}))).sw,
            apdu::kSwIncorrectP1P2);
  // The items, the server certificate sent as a chain of several APDUs (wrapped parts).
  ASSERT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, t.client_keys.view()))).sw, apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, pki.root.ToDer())), 100).sw, apdu::kSwOk);
  // A server certificate under another root does not chain: 6982.
  pki::CertificateSpec spec;
  spec.serial = {0x77};
  spec.subject = {{"CN", "impostor"}};
  spec.not_before = At(kNow - kDay);
  spec.not_after = At(kNow + kDay);
  pki::Certificate impostor =
      pki::IssueCertificate(spec, pki.server_key.public_key(), pki.other_root, pki.other_key).value();
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, impostor.ToDer()))).sw, apdu::kSwSecurityNotSatisfied);
  // The server certificate alone (without its intermediate) does not chain either.
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, pki.server.ToDer()))).sw, apdu::kSwSecurityNotSatisfied);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, pki.ServerChain())), 100).sw, apdu::kSwOk);
  EXPECT_EQ(t.card->state().server_certificate, pki.server.ToDer());
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, 3)}))).sw, apdu::kSwOk);
  EXPECT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0xFF)).sw, apdu::kSwConditionsNotSatisfied);  // no admin PIN
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x12, Concat({Tlv(0x92, kAdminPin), Tlv(0x93, 2)}))).sw, apdu::kSwOk);
  // Application commands are closed in the factory state.
  EXPECT_EQ(host.Send(CreateContainerCmd("c")).sw, apdu::kSwConditionsNotSatisfied);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0xFF)).sw, apdu::kSwOk);
  EXPECT_EQ(t.card->state().lifecycle, Lifecycle::kPersonalised);

  // The issuer channel ended with FINISH; the issuer key set no longer opens one.
  EXPECT_EQ(host.Wire(*host.channel().Wrap(Cmd(0x80, 0xDA, 0x00, 0x11, {}))).sw, apdu::kSwSecurityNotSatisfied);
  EXPECT_EQ(host.OpenChannel(t.created.issuer_keys.view(), scp::kKvnIssuer), apdu::kSwReferencedDataNotFound);
  ASSERT_EQ(host.OpenChannel(t.client_keys.view(), 0x00), apdu::kSwOk);  // KVN 00: client afterwards
  EXPECT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, t.client_keys.view()))).sw,
            apdu::kSwConditionsNotSatisfied);
}

TEST_F(PersonalisedCard, SensitiveCommandsNeedTheChannel) {
  // No channel: 6982 for channel and PIN commands, GET DATA is free.
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwSecurityNotSatisfied);
  EXPECT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwSecurityNotSatisfied);
  EXPECT_EQ(Send(CreateContainerCmd("c")), apdu::kSwSecurityNotSatisfied);
  EXPECT_EQ(Send(GetDataCmd()), apdu::kSwOk);
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);
  // PIN condition before VERIFY.
  EXPECT_EQ(Send(CreateContainerCmd("c")), apdu::kSwSecurityNotSatisfied);
  // GET DATA stays readable in the clear with the channel open, and the channel survives it.
  EXPECT_EQ(host_->Wire(GetDataCmd()).sw, apdu::kSwOk);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);
  // A plain sensitive command closes the channel.
  EXPECT_EQ(host_->Wire(ListContainersCmd()).sw, apdu::kSwSecurityNotSatisfied);
  host_->channel().Close();
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwSecurityNotSatisfied);
  // A replayed wrapped command closes it too.
  ASSERT_EQ(Open(), apdu::kSwOk);
  apdu::CommandApdu wrapped = host_->channel().Wrap(ListContainersCmd()).value();
  ResponseApdu first = host_->Wire(wrapped);
  EXPECT_EQ(first.sw, apdu::kSwOk);
  EXPECT_EQ(host_->Wire(wrapped).sw, apdu::kSwSecurityNotSatisfied);
  host_->channel().Close();
  // Level 13 (no response encryption) is a channel too.
  ASSERT_EQ(host_->OpenChannel(t_.client_keys.view(), scp::kKvnClient, scp::kLevelStandard), apdu::kSwOk);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);
}

TEST_F(PersonalisedCard, GetResponseUnderSecureMessaging) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  const Bytes full = host_->Send(GetDataCmd()).data;
  ASSERT_FALSE(full.empty());
  // Le 4: the pieces come through wrapped GET RESPONSEs (TestHost wraps each one).
  ResponseApdu pieces = host_->Send(Cmd(0x80, 0xCA, 0x00, 0x01, {}, 4));
  EXPECT_EQ(pieces.sw, apdu::kSwOk);
  EXPECT_EQ(pieces.data, full);
  // A plain GET RESPONSE for a wrapped answer would leak it: the channel closes.
  ResponseApdu first = host_->Exchange(Cmd(0x80, 0xCA, 0x00, 0x01, {}, 4));
  ASSERT_EQ(first.sw1(), 0x61);
  EXPECT_EQ(host_->Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 4)).sw, apdu::kSwSecurityNotSatisfied);
  EXPECT_EQ(host_->Exchange(ListContainersCmd()).sw, apdu::kSwSecurityNotSatisfied);
  host_->channel().Close();
  // Plain answers may be fetched plain with the channel open.
  ASSERT_EQ(Open(), apdu::kSwOk);
  ResponseApdu plain_first = host_->Wire(Cmd(0x80, 0xCA, 0x00, 0x01, {}, 4));
  ASSERT_EQ(plain_first.sw1(), 0x61);
  EXPECT_EQ(host_->Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 4)).data.size(), 4u);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);
}

TEST_F(PersonalisedCard, PinStateFollowsTheSession) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(lifecycle(), Lifecycle::kInUse);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::kSwOk);  // verified in this session
  EXPECT_EQ(Send(CreateContainerCmd("c1")), apdu::kSwOk);
  // A new channel starts with no PIN verified.
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(3));
  EXPECT_EQ(Send(CreateContainerCmd("c2")), apdu::kSwSecurityNotSatisfied);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  // A card reset clears it as well.
  t_.card->Reset();
  host_->channel().Close();
  ASSERT_EQ(host_->Select(), apdu::kSwOk);
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(CreateContainerCmd("c2")), apdu::kSwSecurityNotSatisfied);
  // A wrong PIN clears the verified state (film-shield 2.3.3 (3)).
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(CreateContainerCmd("c2")), apdu::kSwSecurityNotSatisfied);
  // Re-selecting the application ends the channel.
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  ASSERT_EQ(host_->Wire(SelectCmd()).sw, apdu::kSwOk);
  host_->channel().Close();
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(CreateContainerCmd("c2")), apdu::kSwSecurityNotSatisfied);
}

TEST_F(PersonalisedCard, PinChecksAndTriesLeft) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(3));
  EXPECT_EQ(Send(Cmd(0x00, 0x20, 0x00, 0x03, Tlv(0x91, kUserPin))), apdu::kSwIncorrectP1P2);
  EXPECT_EQ(Send(Cmd(0x00, 0x20, 0x01, 0x01, Tlv(0x91, kUserPin))), apdu::kSwIncorrectP1P2);
  // Malformed PIN data is bad data, and costs no try.
  EXPECT_EQ(Send(VerifyCmd("12345")), apdu::kSwIncorrectData);
  EXPECT_EQ(Send(Cmd(0x00, 0x20, 0x00, 0x01, Tlv(0x92, kUserPin))), apdu::kSwIncorrectData);
  EXPECT_EQ(Send(Cmd(0x00, 0x20, 0x00, 0x01, {0x91, 0x05})), apdu::kSwIncorrectData);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(3));
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(t_.card->state().user_pin.tries_left, 2);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(2));
  EXPECT_EQ(StatusByte(host_->Send(GetDataCmd()).data, 0x97), 2);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(t_.card->state().user_pin.tries_left, 3);
  // The admin PIN counts on its own.
  EXPECT_EQ(Send(VerifyCmd(kWrongPin, 0x02)), apdu::SwTriesLeft(2));
  EXPECT_EQ(StatusByte(host_->Send(GetDataCmd()).data, 0x99), 2);
  EXPECT_EQ(Send(VerifyCmd(kAdminPin, 0x02)), apdu::kSwOk);
  EXPECT_EQ(StatusByte(host_->Send(GetDataCmd()).data, 0x99), 3);
  // The user PIN is not the admin PIN, and the other way round.
  EXPECT_EQ(Send(VerifyCmd(kAdminPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(VerifyCmd(kUserPin, 0x02)), apdu::SwTriesLeft(2));
}

TEST_F(PersonalisedCard, ChangePin) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  EXPECT_EQ(Send(ChangePinCmd(kUserPin, "12345")), apdu::kSwIncorrectData);
  EXPECT_EQ(Send(ChangePinCmd(kWrongPin, "654321")), apdu::SwTriesLeft(2));
  ASSERT_EQ(Send(ChangePinCmd(kUserPin, "654321")), apdu::kSwOk);
  EXPECT_EQ(lifecycle(), Lifecycle::kInUse);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(3));
  EXPECT_EQ(Send(VerifyCmd(kUserPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(VerifyCmd("654321")), apdu::kSwOk);
  ASSERT_EQ(Send(ChangePinCmd(kAdminPin, "abcdefgh", 0x02)), apdu::kSwOk);
  EXPECT_EQ(Send(VerifyCmd("abcdefgh", 0x02)), apdu::kSwOk);
}

TEST_F(PersonalisedCard, LifecycleWalk) {
  EXPECT_EQ(lifecycle(), Lifecycle::kPersonalised);
  ASSERT_EQ(Open(), apdu::kSwOk);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(lifecycle(), Lifecycle::kInUse);
  ASSERT_EQ(Send(CreateContainerCmd("bank")), apdu::kSwOk);

  // Lock: three wrong user PINs; the third answers 63C0, later ones 6983.
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(1));
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(0));
  EXPECT_EQ(lifecycle(), Lifecycle::kLocked);
  EXPECT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwAuthMethodBlocked);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::kSwAuthMethodBlocked);
  EXPECT_EQ(Send(ChangePinCmd(kUserPin, "654321")), apdu::kSwAuthMethodBlocked);
  EXPECT_EQ(Send(VerifyCmd(kAdminPin, 0x02)), apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(StatusByte(host_->Send(GetDataCmd()).data, 0x95), 0x04);
  // The locked state survives a reopen of the image.
  EXPECT_EQ(DecodeCardImage(t_.store->image().view())->lifecycle, Lifecycle::kLocked);

  // Unblock with the admin PIN: a wrong one counts, the right one sets a new user PIN.
  EXPECT_EQ(Send(RrcCmd(kWrongPin, "111111")), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(RrcCmd(kAdminPin, "111")), apdu::kSwIncorrectData);
  ASSERT_EQ(Send(RrcCmd(kAdminPin, "111111")), apdu::kSwOk);
  EXPECT_EQ(lifecycle(), Lifecycle::kInUse);
  EXPECT_EQ(t_.card->state().admin_pin.tries_left, 3);
  EXPECT_EQ(Send(VerifyCmd("")), apdu::SwTriesLeft(3));
  ASSERT_EQ(Send(VerifyCmd("111111")), apdu::kSwOk);
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);

  // Terminate: exhaust the admin PIN.
  EXPECT_EQ(Send(VerifyCmd(kWrongPin, 0x02)), apdu::SwTriesLeft(2));
  EXPECT_EQ(Send(RrcCmd(kWrongPin, "222222")), apdu::SwTriesLeft(1));
  EXPECT_EQ(Send(VerifyCmd(kWrongPin, 0x02)), apdu::SwTriesLeft(0));
  EXPECT_EQ(lifecycle(), Lifecycle::kTerminated);
  // Only SELECT and GET DATA from now on.
  EXPECT_EQ(host_->Wire(GetDataCmd()).sw, apdu::kSwOk);
  EXPECT_EQ(host_->Wire(SelectCmd()).sw, apdu::kSwOk);
  host_->channel().Close();
  EXPECT_EQ(Open(), apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(host_->Wire(VerifyCmd(kUserPin)).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(host_->Wire(RrcCmd(kAdminPin, "333333")).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(StatusByte(host_->Send(GetDataCmd()).data, 0x95), 0x05);
  EXPECT_EQ(DecodeCardImage(t_.store->image().view())->lifecycle, Lifecycle::kTerminated);
}

TEST_F(PersonalisedCard, StorageFailureChangesNothing) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  const Bytes image = ToBytes(t_.store->image().view());
  const uint64_t generation = t_.card->state().generation;
  t_.store->set_fail_commits(true);
  // A command that changes the state: 6581, and neither the store nor the card moved.
  EXPECT_EQ(Send(CreateContainerCmd("bank")), apdu::kSwMemoryFailure);
  EXPECT_EQ(t_.card->state().containers.size(), 0u);
  // VERIFY cannot write its counter: 6581 with the PIN not compared, the counter unchanged.
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::kSwMemoryFailure);
  EXPECT_EQ(t_.card->state().user_pin.tries_left, 3);
  // Reads still work: they commit nothing.
  EXPECT_EQ(Send(ListContainersCmd()), apdu::kSwOk);
  EXPECT_EQ(Send(GetDataCmd()), apdu::kSwOk);
  EXPECT_EQ(ToBytes(t_.store->image().view()), image);
  EXPECT_EQ(t_.card->state().generation, generation);
  t_.store->set_fail_commits(false);
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(Send(CreateContainerCmd("bank")), apdu::kSwOk);
  EXPECT_GT(t_.card->state().generation, generation);
}

TEST_F(PersonalisedCard, CountersAreWrittenBeforeTheComparison) {
  ASSERT_EQ(Open(), apdu::kSwOk);
  const size_t commits = t_.store->commits();
  // A right PIN costs two writes (decrement, then restore); a wrong one costs one.
  ASSERT_EQ(Send(VerifyCmd(kUserPin)), apdu::kSwOk);
  EXPECT_EQ(t_.store->commits(), commits + 2);
  EXPECT_EQ(Send(VerifyCmd(kWrongPin)), apdu::SwTriesLeft(2));
  EXPECT_EQ(t_.store->commits(), commits + 3);
  EXPECT_EQ(DecodeCardImage(t_.store->image().view())->user_pin.tries_left, 2);
  // A reopened card sees the counter.
  auto reopened = Card::Open(std::make_unique<MemoryCardStore>(t_.store->image().view()), crypto::SystemRng(),
                             FixedClock);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->state().user_pin.tries_left, 2);
}

}  // namespace
}  // namespace sedun::se
