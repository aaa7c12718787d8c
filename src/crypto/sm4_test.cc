// SM4 ECB/CBC/CTR and Sm4Block against tests/vectors/sm4.json: GM/T 0002-2012 Annex A examples 1
// and 2 (the 10^6-iteration one included), OpenSSL's evpciph_sm4.txt ECB/CBC/CTR vectors and the
// RFC 8998 GCM example. OFB and CFB are not offered by the SM4 API and their entries are skipped,
// as are CCM and XTS (no API yet). Then the misuse cases: each must give a precise Status.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

#include "base/bytes.h"
#include "crypto/sm4.h"
#include "crypto/sm4_block.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

const Bytes kKey = *HexDecode("0123456789abcdeffedcba9876543210");

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

void CheckMode(Sm4Mode mode, const nlohmann::json& v) {
  Bytes key = HexField(v, "key"), iv = HexField(v, "iv");
  Bytes pt = HexField(v, "plaintext"), ct = HexField(v, "ciphertext");
  auto enc = Sm4Encrypt(mode, key, iv, pt, Sm4Padding::kNone);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(HexEncode(*enc), HexEncode(ct));
  auto dec = Sm4Decrypt(mode, key, iv, ct, Sm4Padding::kNone);
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  EXPECT_EQ(HexEncode(dec->view()), HexEncode(pt));
}

TEST(Sm4, AllApplicableVectors) {
  auto j = LoadVectors("sm4.json");
  ASSERT_EQ(j["vectors"].size(), 15u);
  size_t checked = 0, skipped = 0;
  for (const auto& v : j["vectors"]) {
    std::string id = v["id"].get<std::string>();
    std::string mode = v["mode"].get<std::string>();
    SCOPED_TRACE(id);
    if (id == "sm4-gmt0002-ex2-1e6") {
      // GM/T 0002 Annex A example 2: the block encrypted 10^6 times in place.
      auto block = Sm4Block::Create(HexField(v, "key"));
      ASSERT_TRUE(block.ok());
      Bytes pt = HexField(v, "plaintext");
      ASSERT_EQ(pt.size(), kSm4BlockSize);
      std::array<uint8_t, kSm4BlockSize> x{};
      std::copy(pt.begin(), pt.end(), x.begin());
      ASSERT_EQ(v["iterations"].get<int>(), 1000000);
      for (int i = 0; i < 1000000; ++i) ASSERT_TRUE(block->EncryptBlock(x, x).ok());
      EXPECT_EQ(HexEncode(x), v["ciphertext"].get<std::string>());
      ++checked;
    } else if (StartsWith(mode, "ECB")) {
      CheckMode(Sm4Mode::kEcb, v);
      auto block = Sm4Block::Create(HexField(v, "key"));
      ASSERT_TRUE(block.ok());
      Bytes pt = HexField(v, "plaintext");
      Bytes out(pt.size());
      ASSERT_TRUE(block->EncryptBlocks(pt, out).ok());
      EXPECT_EQ(HexEncode(out), v["ciphertext"].get<std::string>());
      ++checked;
    } else if (StartsWith(mode, "CBC")) {
      CheckMode(Sm4Mode::kCbc, v);
      ++checked;
    } else if (StartsWith(mode, "CTR")) {
      CheckMode(Sm4Mode::kCtr, v);
      ++checked;
    } else if (mode == "GCM") {
      Bytes pt = HexField(v, "plaintext"), ct = HexField(v, "ciphertext");
      Bytes tag = HexField(v, "tag");
      auto sealed = Sm4GcmSeal(HexField(v, "key"), HexField(v, "iv_nonce"), HexField(v, "aad"), pt);
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      EXPECT_EQ(HexEncode(*sealed), HexEncode(Concat({ct, tag})));
      auto opened = Sm4GcmOpen(HexField(v, "key"), HexField(v, "iv_nonce"), HexField(v, "aad"),
                               Concat({ct, tag}));
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(HexEncode(opened->view()), HexEncode(pt));
      ++checked;
    } else {
      ++skipped;  // OFB, CFB, CCM, XTS
    }
  }
  EXPECT_EQ(checked, 9u);
  EXPECT_EQ(skipped, 6u);
}

TEST(Sm4, Pkcs7RoundTripAtEveryLength) {
  Bytes iv(16, 0x24);
  for (size_t len = 0; len <= 48; ++len) {
    SCOPED_TRACE(len);
    Bytes pt(len);
    for (size_t i = 0; i < len; ++i) pt[i] = static_cast<uint8_t>(i);
    for (Sm4Mode mode : {Sm4Mode::kEcb, Sm4Mode::kCbc}) {
      ByteView mode_iv = mode == Sm4Mode::kEcb ? ByteView() : ByteView(iv);
      auto ct = Sm4Encrypt(mode, kKey, mode_iv, pt);
      ASSERT_TRUE(ct.ok());
      EXPECT_EQ(ct->size(), (len / 16 + 1) * 16);  // PKCS#7 always adds 1..16 bytes
      auto back = Sm4Decrypt(mode, kKey, mode_iv, *ct);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(HexEncode(back->view()), HexEncode(pt));
    }
    auto ctr = Sm4Encrypt(Sm4Mode::kCtr, kKey, iv, pt);
    ASSERT_TRUE(ctr.ok());
    EXPECT_EQ(ctr->size(), len);  // CTR is a stream mode: padding is ignored
    auto back = Sm4Decrypt(Sm4Mode::kCtr, kKey, iv, *ctr);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(HexEncode(back->view()), HexEncode(pt));
  }
}

TEST(Sm4, CtrCarriesAcrossTheWhole128BitCounter) {
  // sm4.h: the CTR counter block increments as one big-endian 128-bit integer.
  Bytes iv(16, 0xff);
  iv[0] = 0x01;
  Bytes two_blocks(32, 0);
  auto ks = Sm4Encrypt(Sm4Mode::kCtr, kKey, iv, two_blocks);
  ASSERT_TRUE(ks.ok());
  Bytes next = *HexDecode("02000000000000000000000000000000");
  auto e = Sm4Encrypt(Sm4Mode::kEcb, kKey, {}, Concat({iv, next}), Sm4Padding::kNone);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(HexEncode(*ks), HexEncode(*e));
}

TEST(Sm4, RejectsMisuseWithClearStatus) {
  Bytes iv(16, 0), block(16, 0), odd(15, 0);
  Bytes short_key(15, 0), long_key(17, 0);
  for (Sm4Mode mode : {Sm4Mode::kEcb, Sm4Mode::kCbc, Sm4Mode::kCtr}) {
    ByteView mode_iv = mode == Sm4Mode::kEcb ? ByteView() : ByteView(iv);
    EXPECT_EQ(Sm4Encrypt(mode, short_key, mode_iv, block).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(Sm4Encrypt(mode, long_key, mode_iv, block).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(Sm4Decrypt(mode, {}, mode_iv, block).status().code(), Code::kInvalidArgument);
  }
  // IV lengths: none for ECB, exactly 16 for CBC and CTR.
  EXPECT_EQ(Sm4Encrypt(Sm4Mode::kEcb, kKey, iv, block).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4Encrypt(Sm4Mode::kCbc, kKey, {}, block).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4Encrypt(Sm4Mode::kCbc, kKey, odd, block).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4Decrypt(Sm4Mode::kCtr, kKey, Bytes(12, 0), block).status().code(),
            Code::kInvalidArgument);
  // Partial blocks without padding.
  EXPECT_EQ(Sm4Encrypt(Sm4Mode::kEcb, kKey, {}, odd, Sm4Padding::kNone).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Sm4Encrypt(Sm4Mode::kCbc, kKey, iv, odd, Sm4Padding::kNone).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Sm4Decrypt(Sm4Mode::kCbc, kKey, iv, odd, Sm4Padding::kNone).status().code(),
            Code::kMalformed);
  EXPECT_EQ(Sm4Decrypt(Sm4Mode::kCbc, kKey, iv, odd).status().code(), Code::kMalformed);
  EXPECT_EQ(Sm4Decrypt(Sm4Mode::kEcb, kKey, {}, Bytes()).status().code(), Code::kMalformed);
  // An unpadded empty message is legal in every mode.
  EXPECT_TRUE(Sm4Encrypt(Sm4Mode::kEcb, kKey, {}, {}, Sm4Padding::kNone).ok());
}

TEST(Sm4, BadPaddingIsMalformedNotACrash) {
  Bytes iv(16, 7);
  // A block whose decryption ends in 0x00 (never a valid pad) and one ending in 0x11 (> 16).
  for (uint8_t last : {uint8_t{0x00}, uint8_t{0x11}}) {
    Bytes pt(16, 0x41);
    pt[15] = last;
    auto ct = Sm4Encrypt(Sm4Mode::kCbc, kKey, iv, pt, Sm4Padding::kNone);
    ASSERT_TRUE(ct.ok());
    auto r = Sm4Decrypt(Sm4Mode::kCbc, kKey, iv, *ct);
    EXPECT_EQ(r.status().code(), Code::kMalformed);
  }
  // Pad bytes that disagree: the last byte claims three bytes of 0x03, the one before is 0x02.
  Bytes pt(16, 0x41);
  pt[13] = 0x03;
  pt[14] = 0x02;
  pt[15] = 0x03;
  auto ct = Sm4Encrypt(Sm4Mode::kEcb, kKey, {}, pt, Sm4Padding::kNone);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(Sm4Decrypt(Sm4Mode::kEcb, kKey, {}, *ct).status().code(), Code::kMalformed);
  // The error queue was drained: a following valid operation is unaffected.
  auto good = Sm4Encrypt(Sm4Mode::kEcb, kKey, {}, pt);
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(Sm4Decrypt(Sm4Mode::kEcb, kKey, {}, *good).ok());
}

TEST(Sm4Block, RejectsBadKeyAndSizes) {
  EXPECT_EQ(Sm4Block::Create(Bytes(15, 0)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4Block::Create({}).status().code(), Code::kInvalidArgument);
  auto b = Sm4Block::Create(kKey);
  ASSERT_TRUE(b.ok());
  Bytes in(17, 0), out(17, 0);
  EXPECT_EQ(b->EncryptBlocks(in, out).code(), Code::kInvalidArgument);
  Bytes in2(32, 0), out2(16, 0);
  EXPECT_EQ(b->EncryptBlocks(in2, out2).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::crypto
