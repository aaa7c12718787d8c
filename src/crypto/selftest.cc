// Known-answer self-tests with vectors compiled in (the same values as tests/vectors, which name
// their sources at greater length).
#include "crypto/selftest.h"

#include <algorithm>
#include <functional>

#include "crypto/ct.h"
#include "crypto/hmac_sm3.h"
#include "crypto/kdf.h"
#include "crypto/pbkdf2.h"
#include "crypto/sm2.h"
#include "crypto/sm3.h"
#include "crypto/sm4.h"

namespace sedun::crypto {
namespace {

// Replays fixed bytes as the SM2 nonce k, so that signature and encryption are deterministic.
// Only the self-test uses it; production code always passes SystemRng().
class ReplayRng final : public Rng {
 public:
  explicit ReplayRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  Status Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size() - used_) return Internal("self-test nonce exhausted");
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(used_), out.size(), out.begin());
    used_ += out.size();
    return Status::Ok();
  }

 private:
  Bytes bytes_;
  size_t used_ = 0;
};

Bytes H(std::string_view hex) { return *HexDecode(hex); }

Status Expect(ByteView got, std::string_view want_hex) {
  if (ConstantTimeEqual(got, H(want_hex))) return Status::Ok();
  return VerifyFailed("computed value differs from the known answer");
}

// GM/T 0003.5 Annex A / Annex C key and nonce on sm2p256v1.
constexpr std::string_view kSm2D = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
constexpr std::string_view kSm2K = "59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21";

Status Sm3Kat() {
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest d, Sm3Hash(AsBytes("abc")));
  return Expect(d, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

Status HmacKat() {
  SEDUN_ASSIGN_OR_RETURN(
      Sm3Digest t,
      HmacSm3Compute(H("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"),
                     AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopqabcdbcdecdefdefgefghfghighijhij"
                             "kijkljklmklmnlmnomnopnopq")));
  return Expect(t, "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a");
}

Status Pbkdf2Kat() {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes dk, Pbkdf2HmacSm3(AsBytes("passwd"), AsBytes("salt"), 1, 64));
  return Expect(dk.view(),
                "30530b86537c85ea33fbe26ee0adea8d8bd91d283b87936f400e83ad2364ef26"
                "32cd8662313657c0e6138ffeda2c4e6805869cbd8030188858d8a675ac762523");
}

Status KdfKat() {
  SEDUN_ASSIGN_OR_RETURN(
      SecretBytes k,
      Sm2Kdf(H("335e18d751e51f040e27d468138b7ab1dc86ad7f981d7d416222fd6ab3ed230d"
               "ab743ebcfb22d64f7b6ab791f70658f25b48fa93e54064fdbfbed3f0bd847ac9"),
             19));
  return Expect(k.view(), "44e60fdbf0bae81437665374bef26749046c9e");
}

Status Sm4Kat() {
  const Bytes key = H("0123456789abcdeffedcba9876543210");
  SEDUN_ASSIGN_OR_RETURN(Bytes ct, Sm4Encrypt(Sm4Mode::kEcb, key, {}, key, Sm4Padding::kNone));
  SEDUN_RETURN_IF_ERROR(Expect(ct, "681edf34d206965e86b3e94f536e4246"));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes pt, Sm4Decrypt(Sm4Mode::kEcb, key, {}, ct, Sm4Padding::kNone));
  return Expect(pt.view(), "0123456789abcdeffedcba9876543210");
}

Status Sm4GcmKat() {
  const Bytes key = H("0123456789abcdeffedcba9876543210");
  const Bytes iv = H("00001234567800000000abcd");
  const Bytes aad = H("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const Bytes msg = H(
      "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffff"
      "eeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa");
  constexpr std::string_view kSealed =
      "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15"
      "a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec";
  SEDUN_ASSIGN_OR_RETURN(Bytes sealed, Sm4GcmSeal(key, iv, aad, msg));
  SEDUN_RETURN_IF_ERROR(Expect(sealed, kSealed));
  sealed.back() ^= 1;
  if (Sm4GcmOpen(key, iv, aad, sealed).ok()) return VerifyFailed("a corrupted GCM tag was accepted");
  return Status::Ok();
}

Status Sm2SignKat() {
  SEDUN_ASSIGN_OR_RETURN(Sm2PrivateKey key, Sm2PrivateKey::FromScalar(H(kSm2D)));
  ReplayRng k(H(kSm2K));
  SEDUN_ASSIGN_OR_RETURN(Bytes sig, Sm2Sign(key, AsBytes("message digest"), kSm2DefaultId, k));
  SEDUN_RETURN_IF_ERROR(Expect(sig,
                               "3046022100f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
                               "022100b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"));
  SEDUN_RETURN_IF_ERROR(Sm2Verify(key.public_key(), AsBytes("message digest"), sig, kSm2DefaultId));
  if (Sm2Verify(key.public_key(), AsBytes("message digesT"), sig, kSm2DefaultId).ok()) {
    return VerifyFailed("a signature over a different message was accepted");
  }
  return Status::Ok();
}

Status Sm2EncryptKat() {
  SEDUN_ASSIGN_OR_RETURN(Sm2PrivateKey key, Sm2PrivateKey::FromScalar(H(kSm2D)));
  ReplayRng k(H(kSm2K));
  SEDUN_ASSIGN_OR_RETURN(Bytes ct, Sm2Encrypt(key.public_key(), AsBytes("encryption standard"),
                                              Sm2CipherFormat::kDer, k));
  SEDUN_RETURN_IF_ERROR(Expect(ct,
                               "307c022004ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73"
                               "022100e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0"
                               "042059983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766"
                               "041321886ca989ca9c7d58087307ca93092d651efa"));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes pt, Sm2Decrypt(key, ct, Sm2CipherFormat::kDer));
  return Expect(pt.view(), HexEncode(AsBytes("encryption standard")));
}

Status Sm2PairwiseConsistency() {
  // A fresh key must sign/verify and encrypt/decrypt with itself (GM/T 0028 conditional test).
  SEDUN_ASSIGN_OR_RETURN(Sm2PrivateKey key, Sm2PrivateKey::Generate());
  SEDUN_ASSIGN_OR_RETURN(Bytes sig, Sm2Sign(key, AsBytes("pairwise")));
  SEDUN_RETURN_IF_ERROR(Sm2Verify(key.public_key(), AsBytes("pairwise"), sig));
  SEDUN_ASSIGN_OR_RETURN(Bytes ct, Sm2Encrypt(key.public_key(), AsBytes("pairwise"), Sm2CipherFormat::kC1C3C2));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes pt, Sm2Decrypt(key, ct, Sm2CipherFormat::kC1C3C2));
  return Expect(pt.view(), HexEncode(AsBytes("pairwise")));
}

struct Kat {
  const char* name;
  const char* source;
  Status (*run)();
};

constexpr Kat kKats[] = {
    {"SM3", "GB/T 32905-2016 Annex A example 1", Sm3Kat},
    {"HMAC-SM3", "GM/T 0042-2015 Appendix D.3", HmacKat},
    {"PBKDF2-HMAC-SM3", "GmSSL pbkdf2 table, case 1 (RFC 7914 inputs)", Pbkdf2Kat},
    {"SM2 KDF", "GM/T 0003.5 Annex C (t = KDF(x2 || y2, 152))", KdfKat},
    {"SM4-ECB", "GB/T 32907-2016 Annex A example 1", Sm4Kat},
    {"SM4-GCM", "Wycheproof sm4_gcm_test tcId 1 (RFC 8998 example)", Sm4GcmKat},
    {"SM2 signature (fixed k)", "GM/T 0003.5-2012 Annex A, default ID", Sm2SignKat},
    {"SM2 encryption (fixed k)", "GM/T 0003.5-2012 Annex C, GM/T 0009 DER", Sm2EncryptKat},
    {"SM2 pairwise consistency", "fresh key pair: sign/verify, encrypt/decrypt", Sm2PairwiseConsistency},
};

}  // namespace

std::vector<SelfTestResult> RunSelfTests() {
  std::vector<SelfTestResult> out;
  for (const Kat& kat : kKats) out.push_back({kat.name, kat.source, kat.run()});
  return out;
}

Status SelfTestStatus(const std::vector<SelfTestResult>& results) {
  for (const auto& r : results) {
    if (!r.status.ok()) return r.status.Annotate("self-test " + r.name);
  }
  return Status::Ok();
}

}  // namespace sedun::crypto
