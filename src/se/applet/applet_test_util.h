// Test fixture for the application commands: a personalised card state (trust anchor = a root
// CA, an intermediate CA below it, a server certificate from the intermediate), a session with
// the user PIN verified, a fixed clock, and helpers that send commands straight to the handlers
// and issue certificates for the card's keys. Test-only; header-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apdu/tlv.h"
#include "crypto/rng.h"
#include "crypto/sm2_key.h"
#include "pki/cert_builder.h"
#include "pki/certificate.h"
#include "pki/pkcs7.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/card_state.h"
#include "se/command.h"

namespace sedun::se::applet::test {

// The card's clock in every test: 2025-06-01T00:00:00Z.
inline constexpr int64_t kNow = 1748736000;
inline constexpr int64_t kDay = 86400;

inline std::chrono::sys_seconds At(int64_t t) { return std::chrono::sys_seconds{std::chrono::seconds(t)}; }

inline crypto::Sm2PrivateKey NewKey() { return crypto::Sm2PrivateKey::Generate().value(); }

inline pki::CertificateSpec CaSpec(const std::string& cn, uint8_t serial, std::optional<uint32_t> path_len) {
  pki::CertificateSpec s;
  s.serial = {serial};
  s.subject = {{"C", "CN"}, {"O", "sedun bank"}, {"CN", cn}};
  s.not_before = At(kNow - 365 * kDay);
  s.not_after = At(kNow + 3650 * kDay);
  s.basic_constraints = pki::BasicConstraints{true, path_len};
  s.key_usage = pki::key_usage::kKeyCertSign | pki::key_usage::kCrlSign;
  return s;
}

// An end-entity certificate profile: signature or encryption key usage, valid kNow +- 30 days.
inline pki::CertificateSpec LeafSpec(const std::string& cn, Bytes serial, KeySlotId slot) {
  pki::CertificateSpec s;
  s.serial = std::move(serial);
  s.subject = {{"C", "CN"}, {"O", "sedun bank"}, {"CN", cn}};
  s.not_before = At(kNow - 30 * kDay);
  s.not_after = At(kNow + 30 * kDay);
  s.basic_constraints = pki::BasicConstraints{false, std::nullopt};
  s.key_usage = slot == KeySlotId::kSign
                    ? uint16_t{pki::key_usage::kDigitalSignature | pki::key_usage::kNonRepudiation}
                    : uint16_t{pki::key_usage::kKeyEncipherment | pki::key_usage::kDataEncipherment};
  return s;
}

// root (trust anchor) -> ca (intermediate, pathlen 0) -> server / user certificates.
struct TestPki {
  crypto::Sm2PrivateKey root_key = NewKey();
  crypto::Sm2PrivateKey ca_key = NewKey();
  crypto::Sm2PrivateKey server_key = NewKey();
  pki::Certificate root = pki::SelfSignCertificate(CaSpec("sedun root", 1, std::nullopt), root_key).value();
  pki::Certificate ca = pki::IssueCertificate(CaSpec("sedun ca", 2, 0), ca_key.public_key(), root, root_key).value();
  pki::Certificate server =
      pki::IssueCertificate(LeafSpec("bank server", {0x53}, KeySlotId::kSign), server_key.public_key(), ca, ca_key)
          .value();

  pki::Certificate Issue(const pki::CertificateSpec& spec, const crypto::Sm2PublicKey& key) const {
    return pki::IssueCertificate(spec, key, ca, ca_key).value();
  }
  // A PKCS#7 certs-only chain: the leaf and the intermediate (as a CA sends it).
  Bytes Chain(const pki::Certificate& leaf) const {
    return pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{{leaf, ca}, {}}).value();
  }
};

// The test PKI is built once per test program: SM2 keys and certificates are cheap, but dozens of
// fixtures rebuilding them would only slow the suite.
inline const TestPki& SharedPki() {
  static const TestPki* pki = new TestPki();
  return *pki;
}

using TlvList = std::initializer_list<std::pair<apdu::Tag, Bytes>>;

inline Bytes Tlvs(TlvList fields) {
  apdu::TlvWriter w;
  for (const auto& [t, v] : fields) w.Add(t, v);
  return w.Finish().value();
}

inline Bytes Name(const std::string& s) { return ToBytes(AsBytes(s)); }
inline Bytes Slot(KeySlotId id) { return {static_cast<uint8_t>(id)}; }

// The value of `t` in a response, or an empty optional.
inline std::optional<Bytes> ResponseField(const apdu::ResponseApdu& r, apdu::Tag t) {
  auto tlvs = apdu::ParseTlvs(r.data);
  if (!tlvs.ok()) return std::nullopt;
  auto v = apdu::FindTlvValue(*tlvs, t);
  if (!v.ok()) return std::nullopt;
  return ToBytes(*v);
}

// Everything a command could change, for "an error leaves the state as it was".
inline std::string Snapshot(const CardState& s) {
  std::string out;
  for (const Container& c : s.containers) {
    out += "[" + c.name;
    for (KeySlotId id : {KeySlotId::kSign, KeySlotId::kEncrypt}) {
      const auto& slot = c.slot(id);
      if (!slot) {
        out += "|-";
        continue;
      }
      out += "|" + HexEncode(slot->private_key.view()) + "/" + HexEncode(slot->public_key) + "/" +
             HexEncode(slot->certificate);
    }
    out += "]";
  }
  return out + HexEncode(s.trust_anchor) + HexEncode(s.server_certificate) + std::to_string(s.capacity);
}

class AppletTest : public ::testing::Test {
 protected:
  AppletTest() : pki_(SharedPki()) {
    state_.serial = Bytes(8, 0x11);
    state_.lifecycle = Lifecycle::kInUse;
    state_.trust_anchor = pki_.root.ToDer();
    state_.server_certificate = pki_.server.ToDer();
    session_.user_pin_verified = true;
  }

  apdu::ResponseApdu Run(Handler handler, const Bytes& data, uint8_t p1 = 0, uint8_t p2 = 0) {
    CommandContext ctx{state_, session_, crypto::SystemRng(), now_, [] { return Status::Ok(); }};
    apdu::CommandApdu command;
    command.cla = 0x80;
    command.p1 = p1;
    command.p2 = p2;
    command.data = data;
    return handler(ctx, command);
  }
  // Runs a command that must succeed.
  apdu::ResponseApdu Ok(Handler handler, const Bytes& data) {
    apdu::ResponseApdu r = Run(handler, data);
    EXPECT_EQ(r.sw, apdu::kSwOk) << apdu::SwToString(r.sw);
    return r;
  }
  // Runs a command that must fail with `sw`, return no data and leave the state unchanged.
  void ExpectError(Handler handler, const Bytes& data, uint16_t sw) {
    const std::string before = Snapshot(state_);
    apdu::ResponseApdu r = Run(handler, data);
    EXPECT_EQ(r.sw, sw) << "got " << apdu::SwToString(r.sw);
    EXPECT_TRUE(r.data.empty());
    EXPECT_EQ(Snapshot(state_), before);
  }

  void MakeContainer(const std::string& name) { Ok(&CreateContainer, Tlvs({{tag::kContainerName, Name(name)}})); }
  // Generates the slot's key pair; returns its public key.
  crypto::Sm2PublicKey MakeKey(const std::string& name, KeySlotId slot) {
    auto r = Ok(&GenerateKeyPair, Tlvs({{tag::kContainerName, Name(name)}, {tag::kKeySlot, Slot(slot)}}));
    return crypto::Sm2PublicKey::FromUncompressed(ResponseField(r, tag::kPublicKey).value_or(Bytes{})).value();
  }
  // A certificate from the intermediate CA for the slot's key.
  pki::Certificate IssueFor(const std::string& name, KeySlotId slot, Bytes serial = {0x10, 0x01}) {
    const KeySlot& ks = *state_.FindContainer(name)->slot(slot);
    return pki_.Issue(LeafSpec("user " + name, std::move(serial), slot),
                      crypto::Sm2PublicKey::FromUncompressed(ks.public_key).value());
  }
  apdu::ResponseApdu Import(const std::string& name, KeySlotId slot, const Bytes& object) {
    return Run(&ImportCertificate,
               Tlvs({{tag::kContainerName, Name(name)}, {tag::kKeySlot, Slot(slot)}, {tag::kCertificate, object}}));
  }
  // Container + key pair + imported certificate (PKCS#7 chain); returns the certificate.
  pki::Certificate Enrol(const std::string& name, KeySlotId slot, Bytes serial = {0x10, 0x01}) {
    if (state_.FindContainer(name) == nullptr) MakeContainer(name);
    MakeKey(name, slot);
    pki::Certificate cert = IssueFor(name, slot, std::move(serial));
    EXPECT_EQ(Import(name, slot, pki_.Chain(cert)).sw, apdu::kSwOk);
    return cert;
  }

  const TestPki& pki_;
  CardState state_;
  SessionState session_;
  int64_t now_ = kNow;
};

}  // namespace sedun::se::applet::test
