// SM4-CMAC checked against OpenSSL's EVP_MAC "CMAC" with cipher SM4-CBC (no standard publishes
// SM4-CMAC known answers, so OpenSSL is the outside authority), on random keys and messages of
// every length around the block boundaries, one-shot and streamed.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "base/bytes.h"
#include "crypto/sm4_cmac.h"

namespace sedun::crypto {
namespace {

Bytes OpensslCmac(ByteView key, ByteView msg) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr),
                                                        &EVP_MAC_free);
  EXPECT_TRUE(mac);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                &EVP_MAC_CTX_free);
  EXPECT_TRUE(ctx);
  char cipher[] = "SM4-CBC";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                         OSSL_PARAM_construct_end()};
  Bytes out(16);
  size_t n = 0;
  EXPECT_EQ(EVP_MAC_init(ctx.get(), key.data(), key.size(), params), 1);
  EXPECT_EQ(EVP_MAC_update(ctx.get(), msg.data(), msg.size()), 1);
  EXPECT_EQ(EVP_MAC_final(ctx.get(), out.data(), &n, out.size()), 1);
  EXPECT_EQ(n, 16u);
  return out;
}

TEST(Sm4Cmac, MatchesOpensslOnRandomInputs) {
  std::mt19937 gen(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  auto random_bytes = [&](size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(byte(gen));
    return b;
  };
  for (size_t len = 0; len <= 80; ++len) {
    for (int rep = 0; rep < 4; ++rep) {
      SCOPED_TRACE(len);
      Bytes key = random_bytes(16), msg = random_bytes(len);
      Bytes want = OpensslCmac(key, msg);
      auto got = Sm4CmacCompute(key, msg);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(HexEncode(*got), HexEncode(want));
      // Streamed in uneven pieces on one object, twice: Final restarts under the same key.
      auto mac = Sm4Cmac::Create(key);
      ASSERT_TRUE(mac.ok());
      for (size_t piece : {size_t{1}, size_t{7}, size_t{16}, size_t{17}}) {
        ByteView rest(msg);
        while (!rest.empty()) {
          size_t n = rest.size() < piece ? rest.size() : piece;
          ASSERT_TRUE(mac->Update(rest.first(n)).ok());
          rest = rest.subspan(n);
        }
        auto t = mac->Final();
        ASSERT_TRUE(t.ok());
        EXPECT_EQ(HexEncode(*t), HexEncode(want));
      }
      EXPECT_TRUE(Sm4CmacVerify(key, msg, want).ok());
      EXPECT_TRUE(Sm4CmacVerify(key, msg, ByteView(want).first(4)).ok());
    }
  }
  Bytes key = random_bytes(16), msg = random_bytes(1000);
  auto got = Sm4CmacCompute(key, msg);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(HexEncode(*got), HexEncode(OpensslCmac(key, msg)));
}

TEST(Sm4Cmac, VerifyRejects) {
  Bytes key(16, 3), msg(20, 4);
  auto t = Sm4CmacCompute(key, msg);
  ASSERT_TRUE(t.ok());
  Bytes bad(t->begin(), t->end());
  bad[15] ^= 1;
  EXPECT_EQ(Sm4CmacVerify(key, msg, bad).code(), Code::kVerifyFailed);
  Bytes other_msg(21, 4);
  EXPECT_EQ(Sm4CmacVerify(key, other_msg, *t).code(), Code::kVerifyFailed);
  EXPECT_EQ(Sm4CmacVerify(key, msg, ByteView(*t).first(3)).code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4CmacVerify(key, msg, Concat({*t, Bytes{0}})).code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4CmacCompute(Bytes(8, 0), msg).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::crypto
