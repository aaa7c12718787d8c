// Known answers for the SM4 secure channel: the KDF, the handshake and a short session.
//
// No standard publishes SM4 SCP03 vectors (reference/standards.md 10.4), so the expected values
// come from two independent sources: the hex constants below were computed with the OpenSSL 3.0
// command line from the text of docs/apdu.md (`openssl mac -cipher SM4-CBC -macopt hexkey:K CMAC`
// for every CMAC and KDF block, `openssl enc -sm4-ecb -nopad` for the ICVs, `openssl enc
// -sm4-cbc -nopad -iv ICV` for the data), and each test also rebuilds its values step by step
// from Sm4CmacCompute / Sm4Encrypt (scp_test_util.h, namespace ref).
//
// Inputs: K-ENC = 00..0F, K-MAC = 10..1F, K-DEK = 20..2F; host challenge 1122334455667788; card
// challenge A1A2A3A4A5A6A7A8; KDD 0102030405060708 0000; KVN 30; level 33.
#include <gtest/gtest.h>

#include "scp/scp.h"
#include "scp/scp_test_util.h"

namespace sedun::scp {
namespace {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using testing::H;
using testing::kCardChallenge;
using testing::kHostChallenge;
using testing::TestKeys;
using testing::WireHex;
namespace ref = testing::ref;

Bytes Context() { return Concat({kHostChallenge, kCardChallenge}); }

Bytes Derive(ByteView key, uint8_t constant, uint16_t bits) {
  Result<SecretBytes> out = DeriveData(key, constant, Context(), bits);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? ToBytes(out->view()) : Bytes{};
}

TEST(ScpKdf, SessionKeysAndCryptograms) {
  KeySet keys = TestKeys();
  const Bytes s_enc = H("49ddc2e4ce2c45ee6399d047a0bb9173");
  const Bytes s_mac = H("80856f8be9810a12778fab4d4beba6ab");
  const Bytes s_rmac = H("84d31044f2a84d1c8fed754167c7c800");
  EXPECT_EQ(Derive(keys.enc.view(), 0x04, 128), s_enc);
  EXPECT_EQ(Derive(keys.mac.view(), 0x06, 128), s_mac);
  EXPECT_EQ(Derive(keys.mac.view(), 0x07, 128), s_rmac);
  EXPECT_EQ(Derive(s_mac, 0x00, 64), H("e170504b740a943e"));
  EXPECT_EQ(Derive(s_mac, 0x01, 64), H("e16ec30ce9c8131f"));

  // The same from the bare CMAC over the documented input layout.
  EXPECT_EQ(ref::Kdf(keys.enc.view(), 0x04, Context(), 128), s_enc);
  EXPECT_EQ(ref::Kdf(keys.mac.view(), 0x06, Context(), 128), s_mac);
  EXPECT_EQ(ref::Kdf(keys.mac.view(), 0x07, Context(), 128), s_rmac);
  EXPECT_EQ(ref::Kdf(s_mac, 0x00, Context(), 64), H("e170504b740a943e"));
  EXPECT_EQ(ref::Kdf(s_mac, 0x01, Context(), 64), H("e16ec30ce9c8131f"));
}

TEST(ScpKdf, TwoBlocksCountFromOne) {
  KeySet keys = TestKeys();
  const Bytes expected = H("9982ddc14c307e0eaca88653a5680652227d0163ec26a65c32fb571b8d9b7dd5");
  EXPECT_EQ(Derive(keys.enc.view(), 0x04, 256), expected);
  // Block i = CMAC(00 x 11 || 04 || 00 || 0100 || i || context).
  for (uint8_t i = 1; i <= 2; ++i) {
    Bytes input = Concat({Bytes(11, 0x00), H("04000100"), Bytes{i}, Context()});
    Bytes block = ref::Cmac(keys.enc.view(), input);
    EXPECT_EQ(block, Bytes(expected.begin() + (i - 1) * 16, expected.begin() + i * 16)) << int{i};
  }
  // A shorter L is a different derivation, not a prefix (L is in the input).
  EXPECT_NE(Derive(keys.enc.view(), 0x04, 128), Bytes(expected.begin(), expected.begin() + 16));
}

TEST(ScpKdf, RejectsBadLengthsAndKeys) {
  KeySet keys = TestKeys();
  EXPECT_EQ(DeriveData(keys.enc.view(), 0x04, Context(), 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DeriveData(keys.enc.view(), 0x04, Context(), 7).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DeriveData(keys.enc.view(), 0x04, Context(), 255 * 128 + 8).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(DeriveData(keys.enc.view(), 0x04, Context(), 255 * 128).ok());
  EXPECT_EQ(DeriveData(ByteView(kHostChallenge), 0x04, Context(), 128).status().code(), Code::kInvalidArgument);
  Result<SecretBytes> odd = DeriveData(keys.enc.view(), 0x04, Context(), 72);
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->size(), 9u);
}

TEST(ScpKeySet, SplitsAndJoins) {
  Bytes raw(kKeySetSize);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(0xC0 + i);
  Result<KeySet> keys = KeySet::FromBytes(raw);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(ToBytes(keys->enc.view()), Bytes(raw.begin(), raw.begin() + 16));
  EXPECT_EQ(ToBytes(keys->mac.view()), Bytes(raw.begin() + 16, raw.begin() + 32));
  EXPECT_EQ(ToBytes(keys->dek.view()), Bytes(raw.begin() + 32, raw.end()));
  EXPECT_EQ(ToBytes(keys->ToBytes().view()), raw);
  EXPECT_EQ(ToBytes(keys->Clone().ToBytes().view()), raw);
  EXPECT_EQ(KeySet::FromBytes(ByteView(raw).first(47)).status().code(), Code::kInvalidArgument);
  raw.push_back(0);
  EXPECT_EQ(KeySet::FromBytes(raw).status().code(), Code::kInvalidArgument);
}

// The whole transcript, byte for byte.
TEST(ScpKat, Transcript) {
  KeySet keys = TestKeys();
  testing::FixedRng host_rng(kHostChallenge);
  testing::FixedRng card_rng(kCardChallenge);
  HostChannel host;
  CardChannel card;

  Result<CommandApdu> iu = host.BeginInitializeUpdate(kKvnClient, host_rng);
  ASSERT_TRUE(iu.ok());
  EXPECT_EQ(WireHex(*iu), "80503000081122334455667788" "00");
  Result<Bytes> iu_data = card.InitializeUpdate(keys, kKvnClient, testing::kKdd, iu->data, card_rng);
  ASSERT_TRUE(iu_data.ok());
  EXPECT_EQ(HexEncode(*iu_data), "01020304050607080000" "300300" "a1a2a3a4a5a6a7a8" "e170504b740a943e");

  Result<CommandApdu> ea = host.FinishInitializeUpdate(keys, ResponseApdu{*iu_data, apdu::kSwOk}, kLevelFull);
  ASSERT_TRUE(ea.ok()) << ea.status().ToString();
  EXPECT_EQ(WireHex(*ea), "8482330010" "e16ec30ce9c8131f" "393969a22592fa6c");
  ASSERT_TRUE(card.ExternalAuthenticate(*ea).ok());
  ASSERT_TRUE(host.Confirm(ResponseApdu{{}, apdu::kSwOk}).ok());

  // 1. VERIFY (00 20 00 01, PIN 123456 in tag 91): counter 1, CLA 00 -> 04; response 97 01 05.
  const CommandApdu verify{0x00, 0x20, 0x00, 0x01, H("9106313233343536"), 0, false};
  Result<CommandApdu> w1 = host.Wrap(verify);
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(WireHex(*w1), "0420000118" "9db43d8789935430f08e93fcece99eae" "06abd101629f3195");
  Result<CommandApdu> u1 = card.Unwrap(*w1);
  ASSERT_TRUE(u1.ok());
  EXPECT_EQ(*u1, verify);
  Result<ResponseApdu> r1 = card.Wrap(ResponseApdu{H("970105"), apdu::kSwOk});
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(WireHex(*r1), "3802d2d114fd4f8266c5cae2b2510499" "1325893ade01d30e" "9000");
  Result<ResponseApdu> p1 = host.Unwrap(*r1);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->data, H("970105"));

  // 2. GET DATA (80 CA 00 01, Le 00): no data, so no padding and no ciphertext, but counter 2 is
  // used up; the response is empty and only R-MACed.
  const CommandApdu get_data{0x80, 0xCA, 0x00, 0x01, {}, 256, false};
  Result<CommandApdu> w2 = host.Wrap(get_data);
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(WireHex(*w2), "84ca000108" "0a92782d7ef44918" "00");
  ASSERT_TRUE(card.Unwrap(*w2).ok());
  Result<ResponseApdu> r2 = card.Wrap(ResponseApdu{{}, apdu::kSwOk});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(WireHex(*r2), "f46540ae050a8cb9" "9000");
  ASSERT_TRUE(host.Unwrap(*r2).ok());

  // 3. CREATE CONTAINER (80 E0 00 00, 81 03 "abc"): counter 3; answered 6A89, bare.
  Result<CommandApdu> w3 = host.Wrap(CommandApdu{0x80, 0xE0, 0x00, 0x00, H("8103616263"), 0, false});
  ASSERT_TRUE(w3.ok());
  EXPECT_EQ(WireHex(*w3), "84e0000018" "91fef33a61c910ea4427b71314d19800" "90270143bf3674ec");
  ASSERT_TRUE(card.Unwrap(*w3).ok());
  Result<ResponseApdu> r3 = card.Wrap(ResponseApdu{{}, apdu::kSwFileExists});
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(WireHex(*r3), "6a89");
  ASSERT_TRUE(host.Unwrap(*r3).ok());
}

// Command 1 and its response of the transcript rebuilt from the primitives, one step at a time.
TEST(ScpKat, OneWrappedCommandStepByStep) {
  KeySet keys = TestKeys();
  ref::Session s(keys, kLevelFull);
  // The first 8 bytes of the chaining value are the EXTERNAL AUTHENTICATE C-MAC.
  EXPECT_EQ(Bytes(s.chaining.begin(), s.chaining.begin() + 8), H("393969a22592fa6c"));

  // ICV = SM4(S-ENC, 00..01); ciphertext = SM4-CBC(S-ENC, ICV, data || 80 00..).
  const Bytes data = H("9106313233343536");
  const Bytes icv = s.CommandIcv();
  EXPECT_EQ(icv, H("ece8d3d23ee8a39d136d324c0a49df3c"));
  const Bytes padded = ref::Pad(data);
  EXPECT_EQ(padded, H("91063132333435368000000000000000"));
  const Bytes ciphertext = ref::Cbc(s.s_enc, icv, padded);
  // C-MAC over chaining value || 04 20 00 01 || Lc' (16 + 8 = 18) || ciphertext.
  const Bytes mac_input = Concat({s.chaining, H("0420000118"), ciphertext});
  const Bytes tag = ref::Cmac(s.s_mac, mac_input);
  const Bytes expected = Concat({H("0420000118"), ciphertext, ByteView(tag).first(8)});

  HostChannel host;
  CardChannel card;
  ASSERT_TRUE(testing::OpenPair(host, card, kLevelFull, keys, keys));
  Result<CommandApdu> wrapped = host.Wrap(CommandApdu{0x00, 0x20, 0x00, 0x01, data, 0, false});
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(WireHex(*wrapped), HexEncode(expected));

  // Response: ICV = SM4(S-ENC, 80 || 00..01); R-MAC over the new chaining value (the full C-MAC
  // just computed) || ciphertext || 90 00.
  ASSERT_TRUE(card.Unwrap(*wrapped).ok());
  const Bytes response_icv = s.ResponseIcv(1);
  EXPECT_EQ(response_icv, H("1ad6bc221ef5e9da43ed18cd186bb7ac"));
  const Bytes response_ct = ref::Cbc(s.s_enc, response_icv, ref::Pad(H("970105")));
  const Bytes rmac = ref::Cmac(s.s_rmac, Concat({tag, response_ct, H("9000")}));
  Result<ResponseApdu> response = card.Wrap(ResponseApdu{H("970105"), apdu::kSwOk});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->data, Concat({response_ct, ByteView(rmac).first(8)}));
}

}  // namespace
}  // namespace sedun::scp
