// SM4-GCM (NIST SP 800-38D over SM4; the AEAD_SM4_GCM of RFC 8998 §3.1) built on Sm4Block,
// because OpenSSL 3.0 has no SM4-GCM.
//
// GHASH multiplies in GF(2^128) with the bitwise shift-and-xor of SP 800-38D §6.3 Algorithm 1,
// made branch-free with masks: no table indexed by H or by data, so its timing does not depend
// on secrets (table-driven GHASH leaks H through the cache). It costs 128 steps per block, which
// is ample for the message sizes sedun seals. Open verifies the tag before any plaintext is
// produced, so a forgery never yields decrypted bytes.
#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "base/secret.h"
#include "crypto/ct.h"
#include "crypto/sm4.h"
#include "crypto/sm4_block.h"

namespace sedun::crypto {
namespace {

using Block = std::array<uint8_t, kSm4BlockSize>;

// SP 800-38D §5.2.1.1: len(P) <= 2^39 - 256 bits; len(A), len(IV) <= 2^64 - 1 bits.
constexpr uint64_t kMaxPlaintextBytes = (uint64_t{1} << 36) - 32;
constexpr uint64_t kMaxAadOrIvBytes = (uint64_t{1} << 61) - 1;
constexpr size_t kMinTagSize = 4;

// A GF(2^128) element in the bit order of SP 800-38D §6.3: bit 0 is the leftmost bit of the
// block, held as the top bit of `hi`.
struct U128 {
  uint64_t hi = 0;
  uint64_t lo = 0;
};

U128 Load(std::span<const uint8_t, kSm4BlockSize> b) {
  U128 r;
  for (size_t i = 0; i < 8; ++i) {
    r.hi = (r.hi << 8) | b[i];
    r.lo = (r.lo << 8) | b[i + 8];
  }
  return r;
}

void Store(U128 v, std::span<uint8_t, kSm4BlockSize> b) {
  for (size_t i = 0; i < 8; ++i) {
    b[7 - i] = static_cast<uint8_t>(v.hi >> (8 * i));
    b[15 - i] = static_cast<uint8_t>(v.lo >> (8 * i));
  }
}

// X · Y per SP 800-38D §6.3 Algorithm 1, with R = 11100001 || 0^120. Each step's conditional
// xors are masks built from the bit, so the instruction stream is the same for every input.
U128 GfMul(U128 x, U128 y) {
  U128 z;
  U128 v = y;
  for (unsigned i = 0; i < 128; ++i) {
    uint64_t word = i < 64 ? x.hi : x.lo;  // i is public: this branch leaks nothing
    uint64_t take = 0 - ((word >> (63 - (i & 63))) & 1);
    z.hi ^= v.hi & take;
    z.lo ^= v.lo & take;
    uint64_t reduce = 0 - (v.lo & 1);
    v.lo = (v.lo >> 1) | (v.hi << 63);
    v.hi = (v.hi >> 1) ^ (0xe100000000000000ULL & reduce);
  }
  return z;
}

// GHASH_H (SP 800-38D §6.4) over a sequence of fields, each zero-padded to whole blocks.
class Ghash {
 public:
  explicit Ghash(U128 h) : h_(h) {}
  ~Ghash() {
    SecureWipe(&h_, sizeof h_);
    SecureWipe(&y_, sizeof y_);
  }
  Ghash(const Ghash&) = delete;
  Ghash& operator=(const Ghash&) = delete;

  void UpdatePadded(ByteView data) {
    while (!data.empty()) {
      Block b{};
      size_t n = data.size() < b.size() ? data.size() : b.size();
      for (size_t i = 0; i < n; ++i) b[i] = data[i];
      Absorb(Load(b));
      data = data.subspan(n);
    }
  }
  // [len(A)]_64 || [len(C)]_64 in bits; also used as 0^64 || [len(IV)]_64 for J0.
  void UpdateLengths(uint64_t a_bytes, uint64_t c_bytes) { Absorb(U128{a_bytes * 8, c_bytes * 8}); }
  U128 value() const { return y_; }

 private:
  void Absorb(U128 x) {
    y_.hi ^= x.hi;
    y_.lo ^= x.lo;
    y_ = GfMul(y_, h_);
  }
  U128 h_;
  U128 y_;
};

// inc32 (SP 800-38D §6.2): the rightmost 32 bits count modulo 2^32; the left 96 never change,
// also when the counter wraps (Wycheproof "CounterWrap").
void Inc32(Block& cb) {
  uint32_t c = (uint32_t{cb[12]} << 24) | (uint32_t{cb[13]} << 16) | (uint32_t{cb[14]} << 8) | cb[15];
  c += 1;
  cb[12] = static_cast<uint8_t>(c >> 24);
  cb[13] = static_cast<uint8_t>(c >> 16);
  cb[14] = static_cast<uint8_t>(c >> 8);
  cb[15] = static_cast<uint8_t>(c);
}

// GCTR_K(ICB, X) (SP 800-38D §6.5) into `out` (same size as `in`; may not overlap it).
// Counter blocks are encrypted in batches so that one EVP call covers many blocks.
Status Gctr(Sm4Block& block, const Block& icb, ByteView in, std::span<uint8_t> out) {
  constexpr size_t kBatchBlocks = 64;
  std::array<uint8_t, kBatchBlocks * kSm4BlockSize> stream{};
  Block cb = icb;
  while (!in.empty()) {
    size_t bytes = in.size() < stream.size() ? in.size() : stream.size();
    size_t blocks = (bytes + kSm4BlockSize - 1) / kSm4BlockSize;
    std::span<uint8_t> ks(stream.data(), blocks * kSm4BlockSize);
    for (size_t b = 0; b < blocks; ++b) {
      for (size_t i = 0; i < kSm4BlockSize; ++i) ks[b * kSm4BlockSize + i] = cb[i];
      Inc32(cb);
    }
    if (Status st = block.EncryptBlocks(ks, ks); !st.ok()) {
      SecureWipe(stream.data(), stream.size());
      return st;
    }
    for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(in[i] ^ ks[i]);
    in = in.subspan(bytes);
    out = out.subspan(bytes);
  }
  SecureWipe(stream.data(), stream.size());
  return Status::Ok();
}

// The per-key and per-IV values both directions need: the block cipher, H and J0.
struct GcmSetup {
  GcmSetup(Sm4Block b, U128 hash_key, const Block& j) : block(std::move(b)), h(hash_key), j0(j) {}
  GcmSetup(GcmSetup&&) noexcept = default;
  ~GcmSetup() { SecureWipe(&h, sizeof h); }
  Sm4Block block;
  U128 h;  // the GHASH key: secret, derived from K
  Block j0;
};

Status CheckArgs(ByteView key, ByteView iv, ByteView aad, size_t text_size, size_t tag_size) {
  if (key.size() != kSm4KeySize) return InvalidArgument("SM4 key must be 16 bytes");
  if (iv.empty()) return InvalidArgument("SM4-GCM IV must not be empty");  // SP 800-38D §5.2.1.1
  if (iv.size() > kMaxAadOrIvBytes || aad.size() > kMaxAadOrIvBytes) {
    return InvalidArgument("SM4-GCM IV or AAD too long");
  }
  if (text_size > kMaxPlaintextBytes) return InvalidArgument("SM4-GCM message too long");
  if (tag_size < kMinTagSize || tag_size > kSm4GcmTagSize) {
    return InvalidArgument("SM4-GCM tag size must be 4..16 bytes");
  }
  return Status::Ok();
}

Result<GcmSetup> Setup(ByteView key, ByteView iv) {
  SEDUN_ASSIGN_OR_RETURN(Sm4Block block, Sm4Block::Create(key));
  // H = E_K(0^128) (SP 800-38D §7.1 step 1).
  Block zero{};
  Block hb{};
  SEDUN_RETURN_IF_ERROR(block.EncryptBlock(zero, hb));
  U128 h = Load(hb);
  SecureWipe(hb.data(), hb.size());
  // J0 (§7.1 step 2): IV || 0^31 || 1 for a 96-bit IV, otherwise
  // GHASH_H(IV || 0^(s+64) || [len(IV)]_64).
  Block j0{};
  if (iv.size() == 12) {
    for (size_t i = 0; i < 12; ++i) j0[i] = iv[i];
    j0[15] = 1;
  } else {
    Ghash g(h);
    g.UpdatePadded(iv);
    g.UpdateLengths(0, iv.size());
    Store(g.value(), j0);
  }
  GcmSetup setup(std::move(block), h, j0);
  SecureWipe(&h, sizeof h);
  return setup;
}

// T = MSB_t(GCTR_K(J0, S)) with S = GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64)
// (§7.1 steps 5-6), written into `tag` (its size is t).
Status ComputeTag(GcmSetup& s, ByteView aad, ByteView ct, std::span<uint8_t> tag) {
  Ghash g(s.h);
  g.UpdatePadded(aad);
  g.UpdatePadded(ct);
  g.UpdateLengths(aad.size(), ct.size());
  Block sb{};
  Store(g.value(), sb);
  Block full{};
  SEDUN_RETURN_IF_ERROR(Gctr(s.block, s.j0, sb, full));
  for (size_t i = 0; i < tag.size(); ++i) tag[i] = full[i];
  return Status::Ok();
}

}  // namespace

Result<Bytes> Sm4GcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                         size_t tag_size) {
  SEDUN_RETURN_IF_ERROR(CheckArgs(key, iv, aad, plaintext.size(), tag_size));
  SEDUN_ASSIGN_OR_RETURN(GcmSetup s, Setup(key, iv));
  Bytes out(plaintext.size() + tag_size);
  std::span<uint8_t> ct(out.data(), plaintext.size());
  Block icb = s.j0;
  Inc32(icb);  // the first counter block is inc32(J0) (§7.1 step 3)
  SEDUN_RETURN_IF_ERROR(Gctr(s.block, icb, plaintext, ct));
  SEDUN_RETURN_IF_ERROR(ComputeTag(s, aad, ct, std::span<uint8_t>(out).subspan(plaintext.size())));
  return out;
}

Result<SecretBytes> Sm4GcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed,
                               size_t tag_size) {
  if (tag_size < kMinTagSize || tag_size > kSm4GcmTagSize) {
    return InvalidArgument("SM4-GCM tag size must be 4..16 bytes");
  }
  if (sealed.size() < tag_size) return Malformed("SM4-GCM input shorter than its tag");
  size_t ct_size = sealed.size() - tag_size;
  SEDUN_RETURN_IF_ERROR(CheckArgs(key, iv, aad, ct_size, tag_size));
  ByteView ct = sealed.first(ct_size);
  ByteView tag = sealed.subspan(ct_size);
  SEDUN_ASSIGN_OR_RETURN(GcmSetup s, Setup(key, iv));
  std::array<uint8_t, kSm4GcmTagSize> expected{};
  SEDUN_RETURN_IF_ERROR(ComputeTag(s, aad, ct, std::span<uint8_t>(expected).first(tag_size)));
  // §7.2 step 8: the tag is checked first; on mismatch no plaintext exists to release.
  bool tag_ok = ConstantTimeEqual(ByteView(expected).first(tag_size), tag);
  SecureWipe(expected.data(), expected.size());
  if (!tag_ok) return VerifyFailed("SM4-GCM tag mismatch");
  SecretBytes out(ct_size);
  Block icb = s.j0;
  Inc32(icb);
  SEDUN_RETURN_IF_ERROR(Gctr(s.block, icb, ct, out.span()));
  return out;
}

}  // namespace sedun::crypto
