// Test host for the card OS: a minimal PC/SC-less client that talks to an in-process Card through
// Transmit (wrapping with scp::HostChannel, chaining and GET RESPONSE as docs/apdu.md says), a
// test PKI (root -> intermediate -> server), and helpers to create and personalise cards.
// Test-only; header-only so that the test program stays self-contained.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apdu/apdu.h"
#include "apdu/chaining.h"
#include "apdu/tlv.h"
#include "crypto/sm2_key.h"
#include "pki/cert_builder.h"
#include "pki/certificate.h"
#include "pki/pkcs7.h"
#include "scp/scp.h"
#include "se/card.h"
#include "se/store/card_image.h"
#include "se/store/card_store.h"

namespace sedun::se::testing {

// The card's clock in these tests: 2025-06-01T00:00:00Z.
inline constexpr int64_t kNow = 1748736000;
inline constexpr int64_t kDay = 86400;
inline int64_t FixedClock() { return kNow; }

inline constexpr std::string_view kUserPin = "123456";
inline constexpr std::string_view kAdminPin = "87654321";
inline constexpr std::string_view kWrongPin = "000000";

inline std::chrono::sys_seconds At(int64_t t) { return std::chrono::sys_seconds{std::chrono::seconds(t)}; }

inline pki::CertificateSpec CaSpec(const std::string& cn, uint8_t serial, std::optional<uint32_t> path_len) {
  pki::CertificateSpec s;
  s.serial = {serial};
  s.subject = {{"C", "CN"}, {"O", "sedun test"}, {"CN", cn}};
  s.not_before = At(kNow - 365 * kDay);
  s.not_after = At(kNow + 3650 * kDay);
  s.basic_constraints = pki::BasicConstraints{true, path_len};
  s.key_usage = pki::key_usage::kKeyCertSign | pki::key_usage::kCrlSign;
  return s;
}

// root (trust anchor) -> ca (intermediate) -> server. Built once per test program: SM2 key
// generation and signing are the slow part of these tests.
struct TestPki {
  crypto::Sm2PrivateKey root_key = crypto::Sm2PrivateKey::Generate().value();
  crypto::Sm2PrivateKey ca_key = crypto::Sm2PrivateKey::Generate().value();
  crypto::Sm2PrivateKey server_key = crypto::Sm2PrivateKey::Generate().value();
  crypto::Sm2PrivateKey other_key = crypto::Sm2PrivateKey::Generate().value();
  pki::Certificate root = pki::SelfSignCertificate(CaSpec("sedun test root", 1, std::nullopt), root_key).value();
  pki::Certificate ca = pki::IssueCertificate(CaSpec("sedun test ca", 2, 0), ca_key.public_key(), root, root_key).value();
  pki::Certificate server = IssueServer();
  // A root nobody trusts, and a server certificate under it.
  pki::Certificate other_root = pki::SelfSignCertificate(CaSpec("other root", 9, std::nullopt), other_key).value();

  pki::Certificate IssueServer() {
    pki::CertificateSpec s;
    s.serial = {0x53};
    s.subject = {{"C", "CN"}, {"O", "sedun test"}, {"CN", "bank server"}};
    s.not_before = At(kNow - 30 * kDay);
    s.not_after = At(kNow + 365 * kDay);
    s.basic_constraints = pki::BasicConstraints{false, std::nullopt};
    s.key_usage = pki::key_usage::kDigitalSignature;
    return pki::IssueCertificate(s, server_key.public_key(), ca, ca_key).value();
  }
  // The server certificate as the CA ships it: PKCS#7 with the intermediate.
  Bytes ServerChain() const { return pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{{server, ca}, {}}).value(); }

  static const TestPki& Get() {
    static const TestPki* pki = new TestPki();
    return *pki;
  }
};

inline Bytes Tlv(apdu::Tag tag, ByteView value) {
  apdu::TlvWriter w;
  w.Add(tag, value);
  return w.Finish().value();
}
inline Bytes Tlv(apdu::Tag tag, std::string_view value) { return Tlv(tag, AsBytes(value)); }
inline Bytes Tlv(apdu::Tag tag, uint8_t value) { return Tlv(tag, ByteView(&value, 1)); }

inline apdu::CommandApdu Cmd(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, Bytes data = {}, uint32_t ne = 0) {
  apdu::CommandApdu c;
  c.cla = cla;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  c.ne = ne;
  return c;
}

inline apdu::CommandApdu SelectCmd() {
  return Cmd(0x00, 0xA4, 0x04, 0x00, Bytes(std::begin(kApplicationAid), std::end(kApplicationAid)), 256);
}
inline apdu::CommandApdu GetDataCmd() { return Cmd(0x80, 0xCA, 0x00, 0x01, {}, 256); }
inline apdu::CommandApdu VerifyCmd(std::string_view pin, uint8_t p2 = 0x01) {
  return Cmd(0x00, 0x20, 0x00, p2, pin.empty() ? Bytes{} : Tlv(0x91, pin));
}

// The tag's one-byte value in a GET DATA answer; -1 when absent.
inline int StatusByte(const Bytes& get_data, apdu::Tag tag) {
  auto tlvs = apdu::ParseTlvs(get_data);
  if (!tlvs.ok()) return -1;
  const apdu::Tlv* t = apdu::FindTlv(*tlvs, tag);
  return t == nullptr || t->value.size() != 1 ? -1 : t->value[0];
}

class TestHost {
 public:
  explicit TestHost(Card& card) : card_(card) {}

  // One wire APDU, as bytes.
  Bytes Raw(ByteView apdu) { return card_.Transmit(apdu); }
  // One wire APDU; the answer parsed (a parse failure fails the test and gives 6F00).
  apdu::ResponseApdu Wire(const apdu::CommandApdu& c) {
    Result<Bytes> enc = c.Encode();
    EXPECT_TRUE(enc.ok());
    Result<apdu::ResponseApdu> r = apdu::ResponseApdu::Parse(card_.Transmit(*enc));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : apdu::ResponseApdu{{}, apdu::kSwUnknown};
  }
  // One APDU, wrapped and unwrapped while the host channel is open.
  apdu::ResponseApdu Exchange(const apdu::CommandApdu& plain) {
    if (!channel_.open()) return Wire(plain);
    Result<apdu::CommandApdu> wrapped = channel_.Wrap(plain);
    EXPECT_TRUE(wrapped.ok()) << wrapped.status().ToString();
    if (!wrapped.ok()) return apdu::ResponseApdu{{}, apdu::kSwUnknown};
    apdu::ResponseApdu answer = Wire(*wrapped);
    Result<apdu::ResponseApdu> r = channel_.Unwrap(answer);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : apdu::ResponseApdu{{}, apdu::kSwUnknown};
  }
  // A whole command: chained in parts of `max_part` bytes, each part wrapped on its own while the
  // channel is open, the answer gathered with GET RESPONSE.
  apdu::ResponseApdu Send(const apdu::CommandApdu& plain, size_t max_part = 200) {
    Result<std::vector<apdu::CommandApdu>> parts = apdu::SplitIntoChain(plain, max_part);
    EXPECT_TRUE(parts.ok());
    apdu::ResponseApdu answer;
    for (const apdu::CommandApdu& part : *parts) {
      answer = Exchange(part);
      if (answer.sw != apdu::kSwOk) break;
    }
    apdu::ResponseCollector collector(plain.cla);
    for (;;) {
      Result<std::optional<apdu::CommandApdu>> next = collector.Add(answer);
      EXPECT_TRUE(next.ok());
      if (!next.ok() || !next->has_value()) break;
      answer = Exchange(**next);
    }
    return collector.Take();
  }
  uint16_t Select() { return Send(SelectCmd()).sw; }

  // INITIALIZE UPDATE + EXTERNAL AUTHENTICATE; the status word of the step that failed, 9000.
  uint16_t OpenChannel(ByteView keys, uint8_t kvn, uint8_t level = scp::kLevelFull) {
    channel_.Close();
    Result<scp::KeySet> key_set = scp::KeySet::FromBytes(keys);
    EXPECT_TRUE(key_set.ok());
    Result<apdu::CommandApdu> iu = channel_.BeginInitializeUpdate(kvn);
    EXPECT_TRUE(iu.ok());
    apdu::ResponseApdu r = Wire(*iu);
    if (r.sw != apdu::kSwOk) return r.sw;
    Result<apdu::CommandApdu> ea = channel_.FinishInitializeUpdate(*key_set, r, level);
    if (!ea.ok()) return apdu::kSwVerifyFailed;
    r = Wire(*ea);
    if (r.sw != apdu::kSwOk) return r.sw;
    EXPECT_TRUE(channel_.Confirm(r).ok());
    return apdu::kSwOk;
  }
  scp::HostChannel& channel() { return channel_; }

 private:
  Card& card_;
  scp::HostChannel channel_;
};

// A factory-state card on a MemoryCardStore that the test can inspect and make fail.
struct TestCard {
  std::unique_ptr<Card> card;
  MemoryCardStore* store = nullptr;  // owned by card
  CreatedCard created;
  SecretBytes client_keys;
};

inline TestCard NewTestCard() {
  TestCard t;
  auto store = std::make_unique<MemoryCardStore>();
  t.store = store.get();
  t.created = Card::Create(*store).value();
  t.card = Card::Open(std::move(store), crypto::SystemRng(), FixedClock).value();
  t.client_keys = crypto::RandomSecret(crypto::SystemRng(), 48).value();
  return t;
}

// The personalisation commands in the order a terminal sends them, under the issuer channel.
inline void PersonaliseWith(TestHost& host, ByteView issuer_keys, ByteView client_keys, uint8_t user_limit = 3,
                            uint8_t admin_limit = 3) {
  const TestPki& pki = TestPki::Get();
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  ASSERT_EQ(host.OpenChannel(issuer_keys, scp::kKvnIssuer), apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, client_keys))).sw, apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, pki.root.ToDer()))).sw, apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, pki.ServerChain()))).sw, apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, user_limit)}))).sw,
            apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0x12, Concat({Tlv(0x92, kAdminPin), Tlv(0x93, admin_limit)}))).sw,
            apdu::kSwOk);
  ASSERT_EQ(host.Send(Cmd(0x80, 0xDA, 0x00, 0xFF)).sw, apdu::kSwOk);
  host.channel().Close();
}

inline void Personalise(TestCard& t, uint8_t user_limit = 3, uint8_t admin_limit = 3) {
  TestHost host(*t.card);
  PersonaliseWith(host, t.created.issuer_keys.view(), t.client_keys.view(), user_limit, admin_limit);
}

}  // namespace sedun::se::testing
