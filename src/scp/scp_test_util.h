// Test helpers for the secure channel: a fixed RNG for the challenges, test key sets, moving
// APDUs through their wire encoding, opening a channel pair, and a reference computation of the
// protocol values built directly on the SM4 primitives (Sm4CmacCompute, Sm4Encrypt) from the text
// of docs/apdu.md, so that tests do not check the code against itself.
// Header-only: the module's glob puts every non-test .cc into the library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "apdu/apdu.h"
#include "base/bytes.h"
#include "crypto/rng.h"
#include "crypto/sm4.h"
#include "crypto/sm4_cmac.h"
#include "scp/scp.h"

namespace sedun::scp::testing {

// Hands out the given bytes in order and fails once they run out.
class FixedRng : public crypto::Rng {
 public:
  explicit FixedRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  Status Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size() - pos_) return Internal("FixedRng exhausted");
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
    pos_ += out.size();
    return Status::Ok();
  }

 private:
  Bytes bytes_;
  size_t pos_ = 0;
};

inline Bytes H(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

// K-ENC = first..first+0F, K-MAC the next 16 bytes, K-DEK the 16 after.
inline KeySet TestKeys(uint8_t first = 0x00) {
  Bytes b(kKeySetSize);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(first + i);
  return *KeySet::FromBytes(b);
}

inline const Bytes kHostChallenge = H("1122334455667788");
inline const Bytes kCardChallenge = H("a1a2a3a4a5a6a7a8");
inline const Bytes kKdd = H("01020304050607080000");

// Through the wire: encode and parse again, as the reader and the card OS would.
inline apdu::CommandApdu Wire(const apdu::CommandApdu& c) {
  Result<Bytes> b = c.Encode();
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  if (!b.ok()) return {};
  Result<apdu::CommandApdu> p = apdu::CommandApdu::Parse(*b);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : apdu::CommandApdu{};
}
inline apdu::ResponseApdu Wire(const apdu::ResponseApdu& r) {
  Result<Bytes> b = r.Encode();
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  if (!b.ok()) return {};
  Result<apdu::ResponseApdu> p = apdu::ResponseApdu::Parse(*b);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : apdu::ResponseApdu{};
}
inline std::string WireHex(const apdu::CommandApdu& c) {
  Result<Bytes> b = c.Encode();
  return b.ok() ? HexEncode(*b) : b.status().ToString();
}
inline std::string WireHex(const apdu::ResponseApdu& r) {
  Result<Bytes> b = r.Encode();
  return b.ok() ? HexEncode(*b) : b.status().ToString();
}

// Runs INITIALIZE UPDATE and EXTERNAL AUTHENTICATE between `host` and `card` with the fixed
// challenges, the card answering with KVN 30.
inline ::testing::AssertionResult OpenPair(HostChannel& host, CardChannel& card, uint8_t level,
                                           const KeySet& host_keys, const KeySet& card_keys) {
  FixedRng host_rng(kHostChallenge);
  FixedRng card_rng(kCardChallenge);
  Result<apdu::CommandApdu> iu = host.BeginInitializeUpdate(kKvnClient, host_rng);
  if (!iu.ok()) return ::testing::AssertionFailure() << "begin: " << iu.status().ToString();
  apdu::CommandApdu iu_in = Wire(*iu);
  Result<Bytes> iu_data = card.InitializeUpdate(card_keys, kKvnClient, kKdd, iu_in.data, card_rng);
  if (!iu_data.ok()) return ::testing::AssertionFailure() << "card IU: " << iu_data.status().ToString();
  Result<apdu::CommandApdu> ea = host.FinishInitializeUpdate(host_keys, Wire(apdu::ResponseApdu{*iu_data, apdu::kSwOk}), level);
  if (!ea.ok()) return ::testing::AssertionFailure() << "finish: " << ea.status().ToString();
  Status st = card.ExternalAuthenticate(Wire(*ea));
  if (!st.ok()) return ::testing::AssertionFailure() << "card EA: " << st.ToString();
  st = host.Confirm(Wire(apdu::ResponseApdu{{}, apdu::kSwOk}));
  if (!st.ok()) return ::testing::AssertionFailure() << "confirm: " << st.ToString();
  return ::testing::AssertionSuccess();
}

// The protocol recomputed from docs/apdu.md with bare primitives.
namespace ref {

inline Bytes Cmac(ByteView key, ByteView data) {
  Result<crypto::Sm4CmacTag> t = crypto::Sm4CmacCompute(key, data);
  EXPECT_TRUE(t.ok());
  return t.ok() ? Bytes(t->begin(), t->end()) : Bytes(16);
}

// SP 800-108 with one PRF block: 00 x 11 || constant || 00 || L || 01 || context.
inline Bytes Kdf(ByteView key, uint8_t constant, ByteView context, uint16_t bits) {
  Bytes input(11, 0x00);
  input.push_back(constant);
  input.push_back(0x00);
  input.push_back(static_cast<uint8_t>(bits >> 8));
  input.push_back(static_cast<uint8_t>(bits));
  input.push_back(0x01);
  input.insert(input.end(), context.begin(), context.end());
  Bytes out = Cmac(key, input);
  out.resize(bits / 8u);
  return out;
}

inline Bytes Pad(ByteView data) {
  Bytes p(data.begin(), data.end());
  p.push_back(0x80);
  while (p.size() % 16 != 0) p.push_back(0x00);
  return p;
}

inline Bytes EcbBlock(ByteView key, ByteView block) {
  Result<Bytes> b = crypto::Sm4Encrypt(crypto::Sm4Mode::kEcb, key, {}, block, crypto::Sm4Padding::kNone);
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : Bytes{};
}

inline Bytes Cbc(ByteView key, ByteView iv, ByteView data) {
  Result<Bytes> b = crypto::Sm4Encrypt(crypto::Sm4Mode::kCbc, key, iv, data, crypto::Sm4Padding::kNone);
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : Bytes{};
}

// Counter block of a command (16 bytes big-endian) or of its response (80 || 15 bytes).
inline Bytes CounterBlock(uint64_t counter, bool response) {
  Bytes b(16, 0x00);
  for (size_t i = 0; i < 8; ++i) b[15 - i] = static_cast<uint8_t>(counter >> (8 * i));
  if (response) b[0] = 0x80;
  return b;
}

// The host's view of a session opened with the fixed challenges: keys and the chaining value
// after EXTERNAL AUTHENTICATE, enough to forge correctly MACed but otherwise broken commands.
struct Session {
  Bytes s_enc, s_mac, s_rmac;
  Bytes card_cryptogram, host_cryptogram;
  Bytes chaining;  // 16 bytes
  uint64_t counter = 1;

  Session(const KeySet& keys, uint8_t level) {
    const Bytes context = Concat({kHostChallenge, kCardChallenge});
    s_enc = Kdf(keys.enc.view(), 0x04, context, 128);
    s_mac = Kdf(keys.mac.view(), 0x06, context, 128);
    s_rmac = Kdf(keys.mac.view(), 0x07, context, 128);
    card_cryptogram = Kdf(s_mac, 0x00, context, 64);
    host_cryptogram = Kdf(s_mac, 0x01, context, 64);
    const Bytes header = {0x84, 0x82, level, 0x00, 0x10};
    chaining = Cmac(s_mac, Concat({Bytes(16, 0x00), header, host_cryptogram}));
  }

  // EXTERNAL AUTHENTICATE as this session would send it.
  apdu::CommandApdu ExternalAuthenticate(uint8_t level) const {
    Bytes data = host_cryptogram;
    data.insert(data.end(), chaining.begin(), chaining.begin() + 8);
    return apdu::CommandApdu{0x84, 0x82, level, 0x00, data, 0, false};
  }

  // A short wrapped command whose body is sent as given (not encrypted by us), correctly MACed.
  apdu::CommandApdu MacOnly(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView body) {
    const Bytes header = {cla, ins, p1, p2, static_cast<uint8_t>(body.size() + 8)};
    Bytes tag = Cmac(s_mac, Concat({chaining, header, body}));
    chaining = tag;
    ++counter;
    Bytes data(body.begin(), body.end());
    data.insert(data.end(), tag.begin(), tag.begin() + 8);
    return apdu::CommandApdu{cla, ins, p1, p2, data, 0, false};
  }

  // The ICV of the next command.
  Bytes CommandIcv() const { return EcbBlock(s_enc, CounterBlock(counter, false)); }
  Bytes ResponseIcv(uint64_t command_counter) const { return EcbBlock(s_enc, CounterBlock(command_counter, true)); }

  // A response whose body is sent as given, with a correct R-MAC for the current chaining value.
  apdu::ResponseApdu RMacOnly(ByteView body, uint16_t sw) const {
    const Bytes sw_bytes = {apdu::Sw1(sw), apdu::Sw2(sw)};
    Bytes tag = Cmac(s_rmac, Concat({chaining, body, sw_bytes}));
    Bytes data(body.begin(), body.end());
    data.insert(data.end(), tag.begin(), tag.begin() + 8);
    return apdu::ResponseApdu{data, sw};
  }
};

}  // namespace ref
}  // namespace sedun::scp::testing
