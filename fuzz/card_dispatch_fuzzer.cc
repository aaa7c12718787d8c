// Fuzz target for the card OS dispatcher (src/se/card.h) and, through it, every command handler.
//
// Input: flags (1 byte), then records of mode (1) || length (2, big-endian) || APDU bytes.
//   flags 01  open a secure channel before the records (client key set; the issuer set with 08)
//         02  at level 13 instead of 33
//         04  verify the user PIN once the channel is open
//         08  start from the factory-state image instead of the personalised one
//   mode  01  wrap the record with the host end of the channel (when it is open and the record
//             parses as a plain command), so that fuzzed commands pass the MAC check and reach
//             the handlers; the answer is unwrapped and checked too
//         02  warm reset before the record
// The personalised image (built once) has a container with both key pairs and a certificate.
// Each input starts from a fresh copy of an image on a MemoryCardStore, with a fixed clock and a
// deterministic RNG, so a crash reproduces.
//
// Invariants (abort on violation): every response ends in a valid status word; an error status
// word (64xx-6Fxx) carries no data; the stored image decodes after every command; no response,
// wrapped or unwrapped, contains a private key of the card.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "apdu/apdu.h"
#include "apdu/class_byte.h"
#include "apdu/tlv.h"
#include "base/byte_reader.h"
#include "crypto/sm2_key.h"
#include "pki/cert_builder.h"
#include "scp/scp.h"
#include "se/card.h"
#include "se/store/card_image.h"
#include "se/store/card_store.h"

namespace {

using namespace sedun;
using apdu::CommandApdu;
using apdu::ResponseApdu;

void Check(bool ok) {
  if (!ok) abort();
}

constexpr int64_t kNow = 1748736000;  // 2025-06-01T00:00:00Z
constexpr std::string_view kUserPin = "123456";
constexpr std::string_view kAdminPin = "87654321";

int64_t FixedClock() { return kNow; }

// SplitMix64: deterministic bytes for the card's and the host's randomness.
class FuzzRng : public crypto::Rng {
 public:
  explicit FuzzRng(uint64_t seed) : state_(seed) {}
  Status Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) {
      if (left_ == 0) {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word_ = z ^ (z >> 31);
        left_ = 8;
      }
      b = static_cast<uint8_t>(word_ >> (8 * --left_));
    }
    return Status::Ok();
  }

 private:
  uint64_t state_;
  uint64_t word_ = 0;
  int left_ = 0;
};

Bytes Tlv(apdu::Tag tag, ByteView value) {
  apdu::TlvWriter w;
  w.Add(tag, value);
  return w.Finish().value();
}

CommandApdu Cmd(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, Bytes data = {}, uint32_t ne = 0) {
  CommandApdu c;
  c.cla = cla;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  c.ne = ne;
  return c;
}

// The host side of a fuzz run.
class Host {
 public:
  Host(se::Card& card, crypto::Rng& rng) : card_(card), rng_(rng) {}

  Bytes Raw(ByteView apdu) {
    Bytes r = card_.Transmit(apdu);
    CheckResponse(r);
    return r;
  }
  // A plain command, or wrapped when the channel is open.
  std::optional<ResponseApdu> Send(const CommandApdu& plain) {
    CommandApdu wire = plain;
    const bool wrap = channel_.open();
    if (wrap) {
      Result<CommandApdu> w = channel_.Wrap(plain);
      if (!w.ok()) return std::nullopt;
      wire = *w;
    }
    Result<Bytes> enc = wire.Encode();
    Check(enc.ok());
    Result<ResponseApdu> r = ResponseApdu::Parse(Raw(*enc));
    Check(r.ok());
    if (!wrap) return *r;
    Result<ResponseApdu> u = channel_.Unwrap(*r);
    if (!u.ok()) return std::nullopt;
    CheckNoPrivateKey(u->data);
    return *u;
  }
  bool OpenChannel(ByteView keys, uint8_t kvn, uint8_t level) {
    Result<scp::KeySet> set = scp::KeySet::FromBytes(keys);
    Result<CommandApdu> iu = channel_.BeginInitializeUpdate(kvn, rng_);
    if (!set.ok() || !iu.ok()) return false;
    Result<ResponseApdu> r = ResponseApdu::Parse(Raw(iu->Encode().value()));
    if (!r.ok() || r->sw != apdu::kSwOk) return false;
    Result<CommandApdu> ea = channel_.FinishInitializeUpdate(*set, *r, level);
    if (!ea.ok()) return false;
    r = ResponseApdu::Parse(Raw(ea->Encode().value()));
    return r.ok() && channel_.Confirm(*r).ok();
  }
  scp::HostChannel& channel() { return channel_; }

  void CheckResponse(const Bytes& r) const {
    Check(r.size() >= 2);
    const uint16_t sw = static_cast<uint16_t>(r[r.size() - 2] << 8 | r.back());
    Check(apdu::IsValidSw(sw));
    if (apdu::IsSwError(sw)) Check(r.size() == 2);
    CheckNoPrivateKey(r);
  }
  // JR/T 0093.6 5.4.2 d: no command outputs a private key.
  void CheckNoPrivateKey(ByteView data) const {
    for (const se::Container& c : card_.state().containers) {
      for (se::KeySlotId id : {se::KeySlotId::kSign, se::KeySlotId::kEncrypt}) {
        const auto& slot = c.slot(id);
        if (!slot.has_value() || slot->private_key.empty()) continue;
        ByteView key = slot->private_key.view();
        Check(std::search(data.begin(), data.end(), key.begin(), key.end()) == data.end());
      }
    }
  }

 private:
  se::Card& card_;
  crypto::Rng& rng_;
  scp::HostChannel channel_;
};

CommandApdu SelectCmd() {
  return Cmd(0x00, 0xA4, 0x04, 0x00, Bytes(std::begin(se::kApplicationAid), std::end(se::kApplicationAid)), 256);
}

struct Fixture {
  Bytes factory_image;
  Bytes personalised_image;
  SecretBytes issuer_keys;
  SecretBytes client_keys;
};

// One card, personalised through its own APDUs, with a container "fuzz" holding both key pairs
// and a certificate for the signature key.
Fixture BuildFixture() {
  Fixture f;
  FuzzRng rng(1);
  se::MemoryCardStore factory_store;
  se::CreatedCard created = se::Card::Create(factory_store, rng).value();
  f.factory_image = ToBytes(factory_store.image().view());
  f.issuer_keys = created.issuer_keys.Clone();
  f.client_keys = crypto::RandomSecret(rng, 48).value();

  auto store = std::make_unique<se::MemoryCardStore>(f.factory_image);
  se::MemoryCardStore* st = store.get();
  auto card = se::Card::Open(std::move(store), rng, FixedClock).value();
  Host host(*card, rng);

  auto spec = [](const char* cn, uint8_t serial, bool ca) {
    pki::CertificateSpec s;
    s.serial = {serial};
    s.subject = {{"C", "CN"}, {"CN", cn}};
    s.not_before = std::chrono::sys_seconds{std::chrono::seconds(kNow - 86400)};
    s.not_after = std::chrono::sys_seconds{std::chrono::seconds(kNow + 86400 * 365)};
    s.basic_constraints = pki::BasicConstraints{ca, std::nullopt};
    s.key_usage = ca ? uint16_t{pki::key_usage::kKeyCertSign} : uint16_t{pki::key_usage::kDigitalSignature};
    return s;
  };
  crypto::Sm2PrivateKey root_key = crypto::Sm2PrivateKey::Generate(rng).value();
  crypto::Sm2PrivateKey server_key = crypto::Sm2PrivateKey::Generate(rng).value();
  pki::Certificate root = pki::SelfSignCertificate(spec("fuzz root", 1, true), root_key).value();
  pki::Certificate server = pki::IssueCertificate(spec("fuzz server", 2, false), server_key.public_key(), root, root_key).value();

  auto ok = [](const std::optional<ResponseApdu>& r) { Check(r.has_value() && r->sw == apdu::kSwOk); };
  ok(host.Send(SelectCmd()));
  Check(host.OpenChannel(f.issuer_keys.view(), scp::kKvnIssuer, scp::kLevelFull));
  ok(host.Send(Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, f.client_keys.view()))));
  ok(host.Send(Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, root.ToDer()))));
  ok(host.Send(Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, server.ToDer()))));
  const uint8_t limit = 6;
  ok(host.Send(Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, AsBytes(kUserPin)), Tlv(0x93, ByteView(&limit, 1))}))));
  ok(host.Send(Cmd(0x80, 0xDA, 0x00, 0x12, Concat({Tlv(0x92, AsBytes(kAdminPin)), Tlv(0x93, ByteView(&limit, 1))}))));
  ok(host.Send(Cmd(0x80, 0xDA, 0x00, 0xFF)));
  host.channel().Close();
  Check(host.OpenChannel(f.client_keys.view(), scp::kKvnClient, scp::kLevelFull));
  ok(host.Send(Cmd(0x00, 0x20, 0x00, 0x01, Tlv(0x91, AsBytes(kUserPin)))));
  const Bytes name = Tlv(0x81, AsBytes(std::string_view("fuzz")));
  ok(host.Send(Cmd(0x80, 0xE0, 0x00, 0x00, name)));
  const uint8_t sign = 0x01, encrypt = 0x02;
  std::optional<ResponseApdu> pub = host.Send(Cmd(0x80, 0x46, 0x00, 0x00, Concat({name, Tlv(0x82, ByteView(&sign, 1))}), 256));
  ok(host.Send(Cmd(0x80, 0x46, 0x00, 0x00, Concat({name, Tlv(0x82, ByteView(&encrypt, 1))}), 256)));
  ok(pub);
  // The signature key's certificate, issued by the root.
  auto tlvs = apdu::ParseTlvs(pub->data);
  Check(tlvs.ok() && apdu::FindTlv(*tlvs, 0x87) != nullptr);
  crypto::Sm2PublicKey key = crypto::Sm2PublicKey::FromUncompressed(apdu::FindTlv(*tlvs, 0x87)->value).value();
  pki::Certificate user = pki::IssueCertificate(spec("fuzz user", 3, false), key, root, root_key).value();
  ok(host.Send(Cmd(0x80, 0xD0, 0x00, 0x00, Concat({name, Tlv(0x82, ByteView(&sign, 1)), Tlv(0x86, user.ToDer())}))));
  f.personalised_image = ToBytes(st->image().view());
  return f;
}

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture(BuildFixture());
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  ByteReader in(ByteView(data, size));
  uint8_t flags = 0;
  if (!in.ReadU8(&flags)) return 0;
  const bool factory = (flags & 0x08) != 0;

  FuzzRng rng(2);
  auto store = std::make_unique<se::MemoryCardStore>(factory ? f.factory_image : f.personalised_image);
  se::MemoryCardStore* st = store.get();
  auto card = se::Card::Open(std::move(store), rng, FixedClock);
  Check(card.ok());
  Host host(**card, rng);
  host.Send(SelectCmd());
  if (flags & 0x01) {
    const uint8_t level = (flags & 0x02) ? scp::kLevelStandard : scp::kLevelFull;
    Check(factory ? host.OpenChannel(f.issuer_keys.view(), scp::kKvnIssuer, level)
                  : host.OpenChannel(f.client_keys.view(), scp::kKvnClient, level));
    if ((flags & 0x04) && !factory) {
      std::optional<ResponseApdu> r = host.Send(Cmd(0x00, 0x20, 0x00, 0x01, Tlv(0x91, AsBytes(kUserPin))));
      Check(r.has_value() && r->sw == apdu::kSwOk);
    }
  }

  for (int n = 0; n < 64 && !in.empty(); ++n) {
    uint8_t mode;
    ByteView apdu_bytes;
    if (!in.ReadU8(&mode) || !in.ReadU16Prefixed(&apdu_bytes)) break;
    if (mode & 0x02) {
      (*card)->Reset();
      host.channel().Close();
    }
    bool sent = false;
    if ((mode & 0x01) && host.channel().open()) {
      Result<CommandApdu> c = CommandApdu::Parse(apdu_bytes);
      const uint8_t base = c.ok() ? apdu::WithoutChaining(c->cla) : 0xFF;
      if (c.ok() && (base == 0x00 || base == 0x80) && c->data.size() <= scp::kMaxCommandData) {
        host.Send(*c);
        sent = true;
      }
    }
    if (!sent) host.Raw(apdu_bytes);
    Result<SecretBytes> image = st->Load();
    Check(image.ok() && se::DecodeCardImage(image->view()).ok());
  }
  return 0;
}
