// The client SDK against the card OS in one process: every SeClient call, through ApduSession
// (secure channel, chaining or extended length, GET RESPONSE), answered by se::Card. This is the
// protocol contract of docs/apdu.md checked from both ends without pcscd; tests/e2e/pcsc_e2e.sh
// runs the same story over real PC/SC. The client library never links src/se: only this test
// joins them, through a Transport adapter written here.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "apdu/transport.h"
#include "client/apdu_session.h"
#include "client/se_client.h"
#include "crypto/envelope.h"
#include "crypto/sm2.h"
#include "pki/cert_builder.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "pki/pkcs7.h"
#include "se/card.h"
#include "se/store/card_store.h"

namespace sedun {
namespace {

using client::KeySlot;
using client::PinRef;

// se::Card as an apdu::Transport.
class InProcessCard final : public apdu::Transport {
 public:
  explicit InProcessCard(se::Card& card) : card_(card) {}
  Result<Bytes> Transmit(ByteView command) override { return card_.Transmit(command); }
  Status Reset() override {
    card_.Reset();
    return Status::Ok();
  }

 private:
  se::Card& card_;
};

std::chrono::sys_seconds Now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
constexpr std::chrono::seconds kDay(86400);

SecretBytes Secret(std::string_view s) { return SecretBytes(AsBytes(s)); }

pki::CertificateSpec Spec(const std::string& cn, uint8_t serial, bool ca, uint16_t usage) {
  pki::CertificateSpec s;
  s.serial = {serial};
  s.subject = {{"C", "CN"}, {"O", "sedun client test"}, {"CN", cn}};
  s.not_before = Now() - kDay;
  s.not_after = Now() + 30 * kDay;
  s.basic_constraints = pki::BasicConstraints{ca, std::nullopt};
  s.key_usage = usage;
  return s;
}

// root -> ca -> {server, users}
struct Pki {
  crypto::Sm2PrivateKey root_key = crypto::Sm2PrivateKey::Generate().value();
  crypto::Sm2PrivateKey ca_key = crypto::Sm2PrivateKey::Generate().value();
  crypto::Sm2PrivateKey server_key = crypto::Sm2PrivateKey::Generate().value();
  pki::Certificate root = pki::SelfSignCertificate(
      Spec("root", 1, true, pki::key_usage::kKeyCertSign | pki::key_usage::kCrlSign), root_key).value();
  pki::Certificate ca = pki::IssueCertificate(Spec("ca", 2, true, pki::key_usage::kKeyCertSign), ca_key.public_key(),
                                              root, root_key).value();
  pki::Certificate server = pki::IssueCertificate(Spec("server", 3, false, pki::key_usage::kDigitalSignature),
                                                  server_key.public_key(), ca, ca_key).value();

  Bytes Chain(const pki::Certificate& leaf) const {
    return pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{{leaf, ca}, {}}).value();
  }
};

class ClientCardTest : public ::testing::TestWithParam<client::LongCommands> {
 protected:
  void SetUp() override {
    auto store = std::make_unique<se::MemoryCardStore>();
    auto created = se::Card::Create(*store);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    issuer_keys_ = scp::KeySet::FromBytes(created->issuer_keys.view()).value();
    auto card = se::Card::Open(std::move(store));
    ASSERT_TRUE(card.ok()) << card.status().ToString();
    card_ = std::move(*card);
    transport_ = std::make_unique<InProcessCard>(*card_);
    session_ = std::make_unique<client::ApduSession>(*transport_, client::SessionOptions{GetParam()});
    client_ = std::make_unique<client::SeClient>(*session_);
  }

  // Personalised with PINs 123456 / admin-pin-1, limit 3; returns the client key set.
  scp::KeySet Personalise() {
    Bytes raw(scp::kKeySetSize);
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(0xA0 ^ i);
    scp::KeySet keys = scp::KeySet::FromBytes(raw).value();
    EXPECT_TRUE(client_->Select().ok());
    EXPECT_TRUE(client_->OpenChannel(issuer_keys_, scp::kKvnIssuer).ok());
    EXPECT_TRUE(client_->PutKeySet(keys).ok());
    EXPECT_TRUE(client_->PutTrustAnchor(pki_.root.ToDer()).ok());
    EXPECT_TRUE(client_->PutServerCertificate(pki_.Chain(pki_.server)).ok());
    EXPECT_TRUE(client_->SetPin(PinRef::kUser, Secret("123456"), 3).ok());
    EXPECT_TRUE(client_->SetPin(PinRef::kAdmin, Secret("admin-pin-1"), 3).ok());
    EXPECT_TRUE(client_->FinishPersonalisation().ok());
    return keys;
  }

  // A fresh session on the same card: reset, select, client channel.
  void NewSession(const scp::KeySet& keys) {
    ASSERT_TRUE(session_->Reset().ok());
    ASSERT_TRUE(client_->Select().ok());
    ASSERT_TRUE(client_->OpenChannel(keys).ok());
  }
  void VerifyPin() {
    auto check = client_->VerifyPin(PinRef::kUser, Secret("123456"));
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    ASSERT_TRUE(check->verified);
  }
  // The card certifies the slot's key; the CA issues; the client installs with the chain.
  pki::Certificate Enrol(const std::string& container, KeySlot slot, uint8_t serial) {
    VerifyPin();
    auto subject = pki::NameToDer({{"C", "CN"}, {"CN", container + (slot == KeySlot::kSign ? " sign" : " enc")}});
    auto csr = client_->CertificationRequest(container, slot, *subject);
    EXPECT_TRUE(csr.ok()) << csr.status().ToString();
    const uint16_t usage = slot == KeySlot::kSign ? pki::key_usage::kDigitalSignature : pki::key_usage::kKeyEncipherment;
    auto cert = pki::IssueCertificate(Spec(container, serial, false, usage), csr->public_key().value(), pki_.ca,
                                      pki_.ca_key);
    EXPECT_TRUE(cert.ok()) << cert.status().ToString();
    VerifyPin();
    Status imported = client_->ImportCertificate(container, slot, pki_.Chain(*cert));
    EXPECT_TRUE(imported.ok()) << imported.ToString();
    return *cert;
  }

  static Pki& pki_;
  scp::KeySet issuer_keys_;
  std::unique_ptr<se::Card> card_;
  std::unique_ptr<InProcessCard> transport_;
  std::unique_ptr<client::ApduSession> session_;
  std::unique_ptr<client::SeClient> client_;
};

Pki& ClientCardTest::pki_ = *new Pki();

TEST_P(ClientCardTest, PersonaliseAndReadStatus) {
  auto info = client_->Select();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->lifecycle, client::Lifecycle::kFactory);
  scp::KeySet keys = Personalise();
  auto data = client_->GetData();
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->lifecycle, client::Lifecycle::kPersonalised);
  EXPECT_EQ(data->user_pin_tries, 3u);
  EXPECT_EQ(data->admin_pin_tries, 3u);
  EXPECT_GT(*data->free_space, 0u);
  // The issuer set no longer opens a channel.
  ASSERT_TRUE(session_->Reset().ok());
  ASSERT_TRUE(client_->Select().ok());
  EXPECT_FALSE(client_->OpenChannel(issuer_keys_, scp::kKvnIssuer).ok());
  Status opened = client_->OpenChannel(keys);
  ASSERT_TRUE(opened.ok()) << opened.ToString();
}

TEST_P(ClientCardTest, FullStory) {
  scp::KeySet keys = Personalise();
  NewSession(keys);

  // Containers and keys.
  auto none = client_->ListContainers();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(client_->CreateContainer("main").code(), Code::kPermissionDenied);  // PIN not verified
  VerifyPin();
  ASSERT_TRUE(client_->CreateContainer("main").ok());
  EXPECT_EQ(client_->CreateContainer("main").code(), Code::kAlreadyExists);
  auto sign_key = client_->GenerateKeyPair("main", KeySlot::kSign);
  ASSERT_TRUE(sign_key.ok()) << sign_key.status().ToString();
  auto read_key = client_->ReadPublicKey("main", KeySlot::kSign);
  ASSERT_TRUE(read_key.ok());
  EXPECT_EQ(*read_key, *sign_key);
  auto enc_key = client_->GenerateKeyPair("main", KeySlot::kEncrypt);
  ASSERT_TRUE(enc_key.ok()) << enc_key.status().ToString();

  // Enrolment of both slots.
  pki::Certificate sign_cert = Enrol("main", KeySlot::kSign, 0x41);
  pki::Certificate enc_cert = Enrol("main", KeySlot::kEncrypt, 0x42);
  auto exported = client_->ExportCertificate("main", KeySlot::kSign);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported, sign_cert.ToDer());
  auto found = client_->ReadCertificateBySerial(Bytes{0x42});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->slot, KeySlot::kEncrypt);
  EXPECT_EQ(found->certificate, enc_cert.ToDer());
  auto by_time = client_->ReadCertificateByTime(Now());
  ASSERT_TRUE(by_time.ok());
  EXPECT_EQ(by_time->slot, KeySlot::kSign);
  EXPECT_EQ(client_->ReadCertificateBySerial(Bytes{0x77}).status().code(), Code::kNotFound);
  auto list = client_->ListContainers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  ASSERT_EQ((*list)[0].slots.size(), 2u);
  EXPECT_EQ((*list)[0].slots[0].certificate, sign_cert.ToDer());

  // Signatures: one per PIN verification; a long message goes as a chain or an extended APDU.
  Bytes message(3000);
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<uint8_t>(i * 7);
  VerifyPin();
  auto sig = client_->Sign("main", message);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(crypto::Sm2Verify(*sign_key, message, *sig).ok());
  EXPECT_EQ(client_->Sign("main", message).status().code(), Code::kPermissionDenied);  // consumed
  EXPECT_TRUE(client_->VerifySignature(pki_.Chain(sign_cert), message, *sig).ok());
  EXPECT_TRUE(client_->VerifySignatureWithContainer("main", message, *sig).ok());
  message[0] ^= 1;
  EXPECT_EQ(client_->VerifySignature(pki_.Chain(sign_cert), message, *sig).code(), Code::kVerifyFailed);
  VerifyPin();
  auto id_sig = client_->Sign("main", AsBytes("abc"), AsBytes("alice@bank.example"));
  ASSERT_TRUE(id_sig.ok());
  EXPECT_TRUE(crypto::Sm2Verify(*sign_key, AsBytes("abc"), *id_sig, AsBytes("alice@bank.example")).ok());

  // Film-shield: the server's signature is checked first.
  const Bytes challenge = ToBytes(AsBytes("login challenge 0001"));
  auto server_sig = crypto::Sm2Sign(pki_.server_key, challenge);
  ASSERT_TRUE(server_sig.ok());
  VerifyPin();
  auto fs = client_->SignWithServerCheck("main", challenge, *server_sig);
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  EXPECT_TRUE(crypto::Sm2Verify(*sign_key, challenge, *fs).ok());
  VerifyPin();
  EXPECT_EQ(client_->SignWithServerCheck("main", AsBytes("other"), *server_sig).status().code(), Code::kVerifyFailed);

  // Encryption, decryption and envelopes with the slot 02 key.
  const Bytes secret = ToBytes(AsBytes("account 6222 0000 0000 0001"));
  auto ct = client_->Encrypt(pki_.Chain(enc_cert), secret);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  VerifyPin();
  auto pt = client_->Decrypt("main", *ct);
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(ToBytes(pt->view()), secret);
  Bytes big(5000, 0x5A);
  auto envelope = crypto::SealEnvelope(*enc_key, big);
  ASSERT_TRUE(envelope.ok());
  auto opened = client_->OpenEnvelope("main", *envelope);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(ToBytes(opened->view()), big);

  // Deletion.
  VerifyPin();
  ASSERT_TRUE(client_->DeleteCertificate("main", KeySlot::kEncrypt).ok());
  EXPECT_EQ(client_->ExportCertificate("main", KeySlot::kEncrypt).status().code(), Code::kNotFound);
  ASSERT_TRUE(client_->DeleteContainer("main").ok());
  EXPECT_EQ(client_->DeleteContainer("main").code(), Code::kNotFound);
}

TEST_P(ClientCardTest, PinLifecycle) {
  scp::KeySet keys = Personalise();
  NewSession(keys);
  auto state = client_->PinStatus(PinRef::kUser);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->verified);
  EXPECT_EQ(state->tries_left, 3u);
  for (unsigned left : {2u, 1u, 0u}) {
    auto wrong = client_->VerifyPin(PinRef::kUser, Secret("999999"));
    ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
    EXPECT_FALSE(wrong->verified);
    EXPECT_EQ(wrong->tries_left, left);
  }
  auto blocked = client_->VerifyPin(PinRef::kUser, Secret("123456"));
  EXPECT_EQ(blocked.status().code(), Code::kPermissionDenied);
  EXPECT_NE(blocked.status().message().find("PIN blocked"), std::string::npos);
  EXPECT_EQ(client_->GetData()->lifecycle, client::Lifecycle::kLocked);

  auto unblocked = client_->UnblockPin(Secret("admin-pin-1"), Secret("654321"));
  ASSERT_TRUE(unblocked.ok()) << unblocked.status().ToString();
  EXPECT_TRUE(unblocked->verified);
  auto changed = client_->ChangePin(PinRef::kUser, Secret("654321"), Secret("123456"));
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->verified);
  VerifyPin();
  auto wrong_admin = client_->ChangePin(PinRef::kAdmin, Secret("not-admin"), Secret("admin-pin-2"));
  ASSERT_TRUE(wrong_admin.ok());
  EXPECT_EQ(wrong_admin->tries_left, 2u);
}

INSTANTIATE_TEST_SUITE_P(LongCommands, ClientCardTest,
                         ::testing::Values(client::LongCommands::kChaining, client::LongCommands::kExtended),
                         [](const ::testing::TestParamInfo<client::LongCommands>& p) {
                           return p.param == client::LongCommands::kChaining ? std::string("Chaining")
                                                                                : std::string("Extended");
                         });

}  // namespace
}  // namespace sedun
