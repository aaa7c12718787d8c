// Test helpers for the SM2 tests: a fixed RNG that replays given bytes (to reproduce the
// standards' examples, whose nonce k is printed), curve construction from sm2_curves.json (the
// GB/T 32918 Annex A examples run on the Fp-256 test curve), and OpenSSL EVP keys for in-process
// interoperability checks. Test-only; header-only so each test program stays self-contained.
#pragma once

#include <algorithm>
#include <deque>
#include <string>

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/bytes.h"
#include "crypto/ossl/ossl_util.h"
#include "crypto/rng.h"
#include "crypto/sm2_key.h"
#include "util/vectors.h"

namespace sedun::crypto::testing {

// FixedRng hands out queued byte strings in order; each Fill must ask for exactly the size of the
// next queued string (so a test notices when the code under test draws differently than the
// standard's example) and fails once the queue is empty.
class FixedRng final : public Rng {
 public:
  FixedRng() = default;
  explicit FixedRng(std::initializer_list<Bytes> chunks) : chunks_(chunks) {}
  void Push(Bytes b) { chunks_.push_back(std::move(b)); }
  bool exhausted() const { return chunks_.empty(); }

  Status Fill(std::span<uint8_t> out) override {
    if (chunks_.empty()) return CryptoError("FixedRng exhausted");
    if (chunks_.front().size() != out.size()) return CryptoError("FixedRng: unexpected request size");
    std::copy(chunks_.front().begin(), chunks_.front().end(), out.begin());
    chunks_.pop_front();
    return Status::Ok();
  }

 private:
  std::deque<Bytes> chunks_;
};

// The curve named `id` in sm2_curves.json as an explicit-parameter EC_GROUP.
inline ossl::EcGroupPtr CurveFromVectors(const std::string& id) {
  nlohmann::json file = sedun::testing::LoadVectors("sm2_curves.json");
  for (const auto& v : file["vectors"]) {
    if (v["id"] != id) continue;
    auto bn = [&](const char* key) {
      Bytes b = sedun::testing::HexField(v, key);
      return ossl::BnPtr(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
    };
    ossl::BnPtr p = bn("p"), a = bn("a"), b = bn("b"), n = bn("n"), gx = bn("gx"), gy = bn("gy");
    // The cofactor is written as a bare hex digit ("1"), not as whole bytes.
    BIGNUM* h_raw = nullptr;
    if (BN_hex2bn(&h_raw, v["h"].get<std::string>().c_str()) == 0) return nullptr;
    ossl::BnPtr h(h_raw);
    ossl::EcGroupPtr group(EC_GROUP_new_curve_GFp(p.get(), a.get(), b.get(), nullptr));
    if (!group) return nullptr;
    ossl::EcPointPtr g(EC_POINT_new(group.get()));
    if (!g || EC_POINT_set_affine_coordinates(group.get(), g.get(), gx.get(), gy.get(), nullptr) != 1 ||
        EC_GROUP_set_generator(group.get(), g.get(), n.get(), h.get()) != 1 ||
        EC_GROUP_check(group.get(), nullptr) != 1) {
      return nullptr;
    }
    return group;
  }
  ADD_FAILURE() << "curve " << id << " not in sm2_curves.json";
  return nullptr;
}

// An OpenSSL "SM2" EVP_PKEY from sedun key bytes; `d` empty for a public key only.
inline ossl::EvpPkeyPtr EvpKey(ByteView d, ByteView point) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  ossl::BnPtr priv;
  bool ok = bld != nullptr &&
            OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  if (ok && !d.empty()) {
    priv.reset(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
    ok = priv && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) == 1;
  }
  OSSL_PARAM* params = ok ? OSSL_PARAM_BLD_to_param(bld) : nullptr;
  OSSL_PARAM_BLD_free(bld);
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, d.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR, params) != 1) {
    pkey = nullptr;
  }
  OSSL_PARAM_free(params);
  return ossl::EvpPkeyPtr(pkey);
}

inline ossl::EvpPkeyPtr EvpKey(const Sm2PrivateKey& key) {
  return EvpKey(key.scalar().view(), key.public_key().point());
}
inline ossl::EvpPkeyPtr EvpKey(const Sm2PublicKey& key) { return EvpKey(ByteView(), key.point()); }

inline Bytes Hex(std::string_view s) {
  auto b = HexDecode(s);
  EXPECT_TRUE(b.ok()) << s;
  return b.ok() ? *b : Bytes();
}

}  // namespace sedun::crypto::testing
