// Card image: round trips, canonical encoding, and rejection of every kind of corruption.
#include "se/store/card_image.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/byte_writer.h"
#include "crypto/rng.h"
#include "crypto/sm3.h"
#include "se/card.h"

namespace sedun::se {
namespace {

CardState FullState() {
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  s.lifecycle = Lifecycle::kInUse;
  s.generation = 0x0102030405060708;
  s.client_keys = SecretBytes(Bytes(48, 0x30));
  s.trust_anchor = Bytes(300, 0xAA);
  s.server_certificate = Bytes(200, 0xBB);
  s.user_pin = PinRecord{true, 3, 2, SecretBytes(Bytes(32, 0x11))};
  s.admin_pin = PinRecord{true, 6, 6, SecretBytes(Bytes(32, 0x22))};
  Container a;
  a.name = "bank";
  KeySlot sign;
  sign.private_key = SecretBytes(Bytes(32, 0x01));
  sign.public_key = Bytes(65, 0x02);
  sign.public_key[0] = 0x04;
  sign.certificate = Bytes(500, 0x03);
  a.sign = std::move(sign);
  Container b;
  b.name = "only-encrypt";
  KeySlot enc;
  enc.private_key = SecretBytes(Bytes(32, 0x05));
  enc.public_key = Bytes(65, 0x04);
  b.encrypt = std::move(enc);
  s.containers.push_back(std::move(a));
  s.containers.push_back(std::move(b));
  s.capacity = 12345;
  return s;
}

Bytes Encode(const CardState& s) {
  Result<SecretBytes> image = EncodeCardImage(s);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  return image.ok() ? ToBytes(image->view()) : Bytes{};
}

// The body of an image (between the header and the digest).
Bytes BodyOf(const Bytes& image) { return Bytes(image.begin() + 15, image.end() - 32); }

// An image around `body` with a correct digest, so that the parser's record checks are reached.
Bytes Frame(ByteView body, uint16_t version = kCardImageVersion, std::string_view magic = "SEDUNCARD") {
  ByteWriter w;
  w.PutBytes(AsBytes(magic));
  w.PutU16(version);
  w.PutU32(static_cast<uint32_t>(body.size()));
  w.PutBytes(body);
  Bytes out = w.Finish().value();
  crypto::Sm3Digest d = crypto::Sm3Hash(out).value();
  out.insert(out.end(), d.begin(), d.end());
  return out;
}

void ExpectSame(const CardState& a, const CardState& b) { EXPECT_EQ(Encode(a), Encode(b)); }

TEST(CardImage, RoundTripFactoryState) {
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  Bytes image = Encode(s);
  ASSERT_EQ(image.size() > 15 + 32, true);
  EXPECT_EQ(std::string(image.begin(), image.begin() + 9), "SEDUNCARD");
  Result<CardState> back = DecodeCardImage(image);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->serial, s.serial);
  EXPECT_EQ(back->lifecycle, Lifecycle::kFactory);
  EXPECT_EQ(Encode(*back), image);
}

TEST(CardImage, RoundTripFullStateIsCanonical) {
  CardState s = FullState();
  Bytes image = Encode(s);
  Result<CardState> back = DecodeCardImage(image);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, s);
  ASSERT_EQ(back->containers.size(), 2u);
  EXPECT_EQ(back->containers[0].name, "bank");
  EXPECT_TRUE(back->containers[0].sign.has_value());
  EXPECT_FALSE(back->containers[0].encrypt.has_value());
  EXPECT_EQ(back->containers[0].sign->certificate.size(), 500u);
  EXPECT_FALSE(back->containers[1].sign.has_value());
  EXPECT_TRUE(back->containers[1].encrypt->certificate.empty());
  EXPECT_EQ(back->user_pin.tries_left, 2);
  EXPECT_EQ(back->generation, 0x0102030405060708u);
  EXPECT_EQ(back->capacity, 12345u);
}

TEST(CardImage, CloneEncodesTheSame) {
  CardState s = FullState();
  ExpectSame(s.Clone(), s);
}

TEST(CardImage, EveryFlippedBitIsRejected) {
  Bytes image = Encode(NewFactoryState(crypto::SystemRng()).value());
  for (size_t i = 0; i < image.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = image;
      bad[i] ^= static_cast<uint8_t>(1 << bit);
      EXPECT_FALSE(DecodeCardImage(bad).ok()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(CardImage, EveryTruncationAndTrailingByteIsRejected) {
  Bytes image = Encode(FullState());
  for (size_t n = 0; n < image.size(); n += (n < 64 ? 1 : 97)) {
    EXPECT_FALSE(DecodeCardImage(ByteView(image).first(n)).ok()) << n;
  }
  Bytes longer = image;
  longer.push_back(0);
  EXPECT_FALSE(DecodeCardImage(longer).ok());
  // A trailing byte inside the digested content, with the digest recomputed.
  Bytes body = BodyOf(image);
  body.push_back(0x10);
  EXPECT_FALSE(DecodeCardImage(Frame(body)).ok());
}

TEST(CardImage, FramingErrorsAreRejected) {
  Bytes body = BodyOf(Encode(FullState()));
  ASSERT_TRUE(DecodeCardImage(Frame(body)).ok());
  EXPECT_FALSE(DecodeCardImage(Frame(body, 2)).ok());
  EXPECT_FALSE(DecodeCardImage(Frame(body, 0)).ok());
  EXPECT_FALSE(DecodeCardImage(Frame(body, 1, "SEDUNCARX")).ok());
  // Body length field that disagrees with the content.
  Bytes image = Frame(body);
  image[14] ^= 1;
  crypto::Sm3Digest d = crypto::Sm3Hash(ByteView(image).first(image.size() - 32)).value();
  std::copy(d.begin(), d.end(), image.end() - 32);
  EXPECT_FALSE(DecodeCardImage(image).ok());
  // Too large to be an image.
  EXPECT_FALSE(DecodeCardImage(Bytes(kMaxCardImageSize + 1, 0)).ok());
}

// Re-frames the body of a valid image after `edit` changes one record's bytes.
void ExpectBodyEditRejected(const std::function<void(Bytes&)>& edit, const char* what) {
  Bytes body = BodyOf(Encode(FullState()));
  edit(body);
  EXPECT_FALSE(DecodeCardImage(Frame(body)).ok()) << what;
}

TEST(CardImage, RecordErrorsAreRejected) {
  // Record layout: tag (1) length (4) value. The serial record starts the body.
  ExpectBodyEditRejected([](Bytes& b) { b[0] = 0x02; }, "first record is not the serial");
  ExpectBodyEditRejected([](Bytes& b) { b[0] = 0x7F; }, "unknown tag");
  ExpectBodyEditRejected([](Bytes& b) { b[4] = 7; }, "serial of 7 bytes");
  ExpectBodyEditRejected([](Bytes& b) { b[4] = 0xFF; }, "record longer than the body");
  // Lifecycle record: at offset 13 (tag), value at 18.
  ExpectBodyEditRejected([](Bytes& b) { b[18] = 0x00; }, "lifecycle 00");
  ExpectBodyEditRejected([](Bytes& b) { b[18] = 0x06; }, "lifecycle 06");
  // Drop the serial record entirely.
  ExpectBodyEditRejected([](Bytes& b) { b.erase(b.begin(), b.begin() + 13); }, "missing record");
  // Repeat the serial record.
  ExpectBodyEditRejected([](Bytes& b) { b.insert(b.begin(), b.begin(), b.begin() + 13); }, "repeated record");
  // A container record with no content.
  ExpectBodyEditRejected([](Bytes& b) { b.insert(b.end(), {0x10, 0, 0, 0, 0}); }, "empty container");
}

TEST(CardImage, InvariantsAreEnforcedBothWays) {
  auto expect_invalid = [](const std::function<void(CardState&)>& edit, const char* what) {
    CardState s = FullState();
    edit(s);
    EXPECT_FALSE(EncodeCardImage(s).ok()) << what;
    EXPECT_FALSE(ValidateCardState(s).ok()) << what;
  };
  expect_invalid([](CardState& s) { s.user_pin.tries_left = 4; }, "tries above limit");
  expect_invalid([](CardState& s) { s.user_pin.retry_limit = 7; }, "limit 7");
  expect_invalid([](CardState& s) { s.admin_pin.retry_limit = 0; }, "limit 0");
  expect_invalid([](CardState& s) { s.user_pin.verifier = SecretBytes(Bytes(31, 0)); }, "short verifier");
  expect_invalid([](CardState& s) { s.containers[1].name = "bank"; }, "duplicate name");
  expect_invalid([](CardState& s) { s.containers[1].name = ""; }, "empty name");
  expect_invalid([](CardState& s) { s.containers[1].name = std::string(33, 'x'); }, "long name");
  expect_invalid([](CardState& s) { s.containers[0].sign->public_key[0] = 0x02; }, "compressed point");
  expect_invalid([](CardState& s) { s.containers[0].sign->private_key = SecretBytes(Bytes(31, 1)); }, "short key");
  expect_invalid([](CardState& s) { s.client_keys = SecretBytes(); }, "in use without client keys");
  expect_invalid([](CardState& s) { s.issuer_keys = SecretBytes(Bytes(47, 0)); }, "issuer keys size");
  expect_invalid([](CardState& s) { s.serial.pop_back(); }, "serial size");
  expect_invalid([](CardState& s) { s.format_version = 2; }, "format version");
  expect_invalid([](CardState& s) { s.lifecycle = static_cast<Lifecycle>(9); }, "lifecycle 09");
  expect_invalid(
      [](CardState& s) {
        s.lifecycle = Lifecycle::kFactory;
        s.trust_anchor.clear();
      },
      "server certificate without anchor");
}

TEST(CardImage, UsedBytesCountsContainersOnly) {
  CardState s = FullState();
  EXPECT_EQ(s.UsedBytes(), 4u + 32 + 65 + 500 + 12 + 32 + 65);
  EXPECT_NE(s.FindContainer("bank"), nullptr);
  EXPECT_EQ(s.FindContainer("nope"), nullptr);
  const CardState& cs = s;
  EXPECT_EQ(cs.FindContainer("only-encrypt")->name, "only-encrypt");
}

}  // namespace
}  // namespace sedun::se
