// Crypto benchmarks: every operation through sedun's API ("Sedun") and through OpenSSL's EVP
// directly ("OpenSSL") in the same run, so scripts/bench can report the cost of sedun's layer as
// a ratio.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>

#include "crypto/ossl/ossl_util.h"
#include "crypto/rng.h"
#include "crypto/sm2.h"
#include "crypto/sm2_key.h"
#include "crypto/sm3.h"
#include "crypto/sm4.h"
#include "pki/ossl_key.h"

namespace {

using namespace sedun;
using namespace sedun::crypto;

const Bytes& Payload(size_t n) {
  static Bytes data = *RandomBytes(SystemRng(), 1 << 20);
  static Bytes view;
  view.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  return view;
}

const Bytes kKey(16, 0x42);
const Bytes kIv(16, 0x24);

void SetBytes(benchmark::State& state, size_t n) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

// --- SM3 --------------------------------------------------------------------------------------

void BM_Sm3_Sedun(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Bytes& in = Payload(n);
  for (auto _ : state) benchmark::DoNotOptimize(Sm3Hash(in));
  SetBytes(state, n);
}

void BM_Sm3_OpenSSL(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Bytes& in = Payload(n);
  uint8_t out[32];
  unsigned int len;
  for (auto _ : state) benchmark::DoNotOptimize(EVP_Digest(in.data(), in.size(), out, &len, EVP_sm3(), nullptr));
  SetBytes(state, n);
}

// --- SM4 ECB/CBC/CTR ------------------------------------------------------------------------------

const EVP_CIPHER* EvpFor(Sm4Mode mode) {
  switch (mode) {
    case Sm4Mode::kEcb: return EVP_sm4_ecb();
    case Sm4Mode::kCbc: return EVP_sm4_cbc();
    case Sm4Mode::kCtr: return EVP_sm4_ctr();
  }
  return nullptr;
}

template <Sm4Mode kMode>
void BM_Sm4_Sedun(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Bytes& in = Payload(n);
  ByteView iv = kMode == Sm4Mode::kEcb ? ByteView() : ByteView(kIv);
  for (auto _ : state) benchmark::DoNotOptimize(Sm4Encrypt(kMode, kKey, iv, in, Sm4Padding::kNone));
  SetBytes(state, n);
}

template <Sm4Mode kMode>
void BM_Sm4_OpenSSL(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Bytes& in = Payload(n);
  Bytes out(n + 16);
  for (auto _ : state) {
    // A fresh context per message, as sedun's one-shot API does: the ratio is then the layer's cost.
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    EVP_EncryptInit_ex(ctx, EvpFor(kMode), nullptr, kKey.data(), kMode == Sm4Mode::kEcb ? nullptr : kIv.data());
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptUpdate(ctx, out.data(), &l1, in.data(), static_cast<int>(in.size()));
    EVP_EncryptFinal_ex(ctx, out.data() + l1, &l2);
    EVP_CIPHER_CTX_free(ctx);
    benchmark::DoNotOptimize(out.data());
  }
  SetBytes(state, n);
}

void BM_Sm4Gcm_Sedun(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Bytes& in = Payload(n);
  ByteView iv = ByteView(kIv).first(12);
  for (auto _ : state) benchmark::DoNotOptimize(Sm4GcmSeal(kKey, iv, {}, in));
  SetBytes(state, n);
}

// --- SM2 ----------------------------------------------------------------------------------------

struct Sm2Fixture {
  Sm2PrivateKey key = *Sm2PrivateKey::Generate();
  ossl::EvpPkeyPtr evp = std::move(*pki::ToEvpPkey(key));
  Bytes msg = Payload(32);
  Bytes sig = *Sm2Sign(key, msg);
  Bytes ct = *Sm2Encrypt(key.public_key(), msg, Sm2CipherFormat::kDer);
};

Sm2Fixture& Fixture() {
  static Sm2Fixture f;
  return f;
}

const char kId[] = "1234567812345678";

void BM_Sm2Sign_Sedun(benchmark::State& state) {
  auto& f = Fixture();
  for (auto _ : state) benchmark::DoNotOptimize(Sm2Sign(f.key, f.msg));
}

void BM_Sm2Sign_OpenSSL(benchmark::State& state) {
  auto& f = Fixture();
  uint8_t sig[80];
  for (auto _ : state) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new(f.evp.get(), nullptr);
    EVP_PKEY_CTX_set1_id(pctx, kId, 16);
    EVP_MD_CTX_set_pkey_ctx(md, pctx);
    size_t len = sizeof sig;
    EVP_DigestSignInit(md, nullptr, EVP_sm3(), nullptr, f.evp.get());
    EVP_DigestSign(md, sig, &len, f.msg.data(), f.msg.size());
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
    benchmark::DoNotOptimize(sig);
  }
}

void BM_Sm2Verify_Sedun(benchmark::State& state) {
  auto& f = Fixture();
  for (auto _ : state) benchmark::DoNotOptimize(Sm2Verify(f.key.public_key(), f.msg, f.sig));
}

void BM_Sm2Verify_OpenSSL(benchmark::State& state) {
  auto& f = Fixture();
  for (auto _ : state) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new(f.evp.get(), nullptr);
    EVP_PKEY_CTX_set1_id(pctx, kId, 16);
    EVP_MD_CTX_set_pkey_ctx(md, pctx);
    EVP_DigestVerifyInit(md, nullptr, EVP_sm3(), nullptr, f.evp.get());
    int ok = EVP_DigestVerify(md, f.sig.data(), f.sig.size(), f.msg.data(), f.msg.size());
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
    if (ok != 1) state.SkipWithError("EVP verify failed");
  }
}

void BM_Sm2Encrypt_Sedun(benchmark::State& state) {
  auto& f = Fixture();
  for (auto _ : state) benchmark::DoNotOptimize(Sm2Encrypt(f.key.public_key(), f.msg, Sm2CipherFormat::kDer));
}

void BM_Sm2Encrypt_OpenSSL(benchmark::State& state) {
  auto& f = Fixture();
  uint8_t out[256];
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(f.evp.get(), nullptr);
    size_t len = sizeof out;
    EVP_PKEY_encrypt_init(ctx);
    EVP_PKEY_encrypt(ctx, out, &len, f.msg.data(), f.msg.size());
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(out);
  }
}

void BM_Sm2Decrypt_Sedun(benchmark::State& state) {
  auto& f = Fixture();
  for (auto _ : state) benchmark::DoNotOptimize(Sm2Decrypt(f.key, f.ct, Sm2CipherFormat::kDer));
}

void BM_Sm2Decrypt_OpenSSL(benchmark::State& state) {
  auto& f = Fixture();
  uint8_t out[256];
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(f.evp.get(), nullptr);
    size_t len = sizeof out;
    EVP_PKEY_decrypt_init(ctx);
    int ok = EVP_PKEY_decrypt(ctx, out, &len, f.ct.data(), f.ct.size());
    EVP_PKEY_CTX_free(ctx);
    if (ok != 1) state.SkipWithError("EVP decrypt failed");
  }
}

void BM_Sm2Keygen_Sedun(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Sm2PrivateKey::Generate());
}

void BM_Sm2Keygen_OpenSSL(benchmark::State& state) {
  for (auto _ : state) {
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
    benchmark::DoNotOptimize(pkey);
    EVP_PKEY_free(pkey);
  }
}

}  // namespace

// Names are BM_<op>/<impl>/<size> so scripts/bench can pair them.
#define SEDUN_PAIR_SIZED(op, a, b)                                                    \
  BENCHMARK(a)->Name(#op "/Sedun")->Arg(64)->Arg(1024)->Arg(16384)->Arg(1 << 20);   \
  BENCHMARK(b)->Name(#op "/OpenSSL")->Arg(64)->Arg(1024)->Arg(16384)->Arg(1 << 20)
#define SEDUN_PAIR(op, a, b)              \
  BENCHMARK(a)->Name(#op "/Sedun");      \
  BENCHMARK(b)->Name(#op "/OpenSSL")

SEDUN_PAIR_SIZED(BM_Sm3, BM_Sm3_Sedun, BM_Sm3_OpenSSL);
SEDUN_PAIR_SIZED(BM_Sm4Ecb, BM_Sm4_Sedun<Sm4Mode::kEcb>, BM_Sm4_OpenSSL<Sm4Mode::kEcb>);
SEDUN_PAIR_SIZED(BM_Sm4Cbc, BM_Sm4_Sedun<Sm4Mode::kCbc>, BM_Sm4_OpenSSL<Sm4Mode::kCbc>);
SEDUN_PAIR_SIZED(BM_Sm4Ctr, BM_Sm4_Sedun<Sm4Mode::kCtr>, BM_Sm4_OpenSSL<Sm4Mode::kCtr>);
// OpenSSL 3.0 has no SM4-GCM: its column for GCM is EVP SM4-CTR over the same bytes, so the
// ratio is what authentication (GHASH) plus sedun's layer add to the bare keystream.
SEDUN_PAIR_SIZED(BM_Sm4Gcm, BM_Sm4Gcm_Sedun, BM_Sm4_OpenSSL<Sm4Mode::kCtr>);
SEDUN_PAIR(BM_Sm2Keygen, BM_Sm2Keygen_Sedun, BM_Sm2Keygen_OpenSSL);
SEDUN_PAIR(BM_Sm2Sign, BM_Sm2Sign_Sedun, BM_Sm2Sign_OpenSSL);
SEDUN_PAIR(BM_Sm2Verify, BM_Sm2Verify_Sedun, BM_Sm2Verify_OpenSSL);
SEDUN_PAIR(BM_Sm2Encrypt, BM_Sm2Encrypt_Sedun, BM_Sm2Encrypt_OpenSSL);
SEDUN_PAIR(BM_Sm2Decrypt, BM_Sm2Decrypt_Sedun, BM_Sm2Decrypt_OpenSSL);

BENCHMARK_MAIN();
