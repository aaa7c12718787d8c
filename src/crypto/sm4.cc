// SM4 ECB, CBC and CTR over OpenSSL's EVP SM4-ECB / SM4-CBC / SM4-CTR.
//
// Argument checks happen before OpenSSL sees the input so that every misuse gets a precise
// Status: key length, IV length per mode, whole blocks when padding is off. A wrong PKCS#7 pad on
// decryption is reported as kMalformed after the partial plaintext has been wiped.
#include "crypto/sm4.h"

#include <openssl/evp.h>

#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {
namespace {

// EVP_*Update counts in int; 1 GiB chunks (a multiple of the block) stay well inside it.
constexpr size_t kChunk = size_t{1} << 30;

const EVP_CIPHER* CipherFor(Sm4Mode mode) {
  switch (mode) {
    case Sm4Mode::kEcb: return EVP_sm4_ecb();
    case Sm4Mode::kCbc: return EVP_sm4_cbc();
    case Sm4Mode::kCtr: return EVP_sm4_ctr();
  }
  return nullptr;
}

bool IsBlockMode(Sm4Mode mode) { return mode == Sm4Mode::kEcb || mode == Sm4Mode::kCbc; }

Status CheckKeyAndIv(Sm4Mode mode, ByteView key, ByteView iv) {
  if (CipherFor(mode) == nullptr) return InvalidArgument("unknown SM4 mode");
  if (key.size() != kSm4KeySize) return InvalidArgument("SM4 key must be 16 bytes");
  if (mode == Sm4Mode::kEcb) {
    if (!iv.empty()) return InvalidArgument("SM4-ECB takes no IV");
  } else if (iv.size() != kSm4BlockSize) {
    return InvalidArgument("SM4-CBC/CTR IV must be 16 bytes");
  }
  return Status::Ok();
}

// Runs one whole message through an EVP cipher context; `out` has room for in.size() plus one
// block. Returns the number of bytes written.
Result<size_t> Run(Sm4Mode mode, bool encrypt, ByteView key, ByteView iv, bool pad, ByteView in,
                   std::span<uint8_t> out) {
  ossl::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ossl::OsslError("SM4 context allocation failed");
  const unsigned char* iv_ptr = iv.empty() ? nullptr : iv.data();
  if (EVP_CipherInit_ex(ctx.get(), CipherFor(mode), nullptr, key.data(), iv_ptr,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0) != 1) {
    return ossl::OsslError("SM4 init failed");
  }
  size_t written = 0;
  while (!in.empty()) {
    size_t n = in.size() < kChunk ? in.size() : kChunk;
    int produced = 0;
    if (EVP_CipherUpdate(ctx.get(), out.subspan(written).data(), &produced, in.data(),
                         static_cast<int>(n)) != 1 ||
        produced < 0) {
      return ossl::OsslError("SM4 update failed");
    }
    written += static_cast<size_t>(produced);
    in = in.subspan(n);
  }
  int produced = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.subspan(written).data(), &produced) != 1 || produced < 0) {
    if (!encrypt && pad) {
      // The only way a well-sized decryption fails in Final is a bad pad; the queue's detail
      // adds nothing a caller may act on.
      ossl::ClearErrors();
      return Malformed("SM4 decrypt: bad padding");
    }
    return ossl::OsslError("SM4 final failed");
  }
  written += static_cast<size_t>(produced);
  if (written > out.size()) return Internal("SM4 output overran its buffer");
  return written;
}

}  // namespace

Result<Bytes> Sm4Encrypt(Sm4Mode mode, ByteView key, ByteView iv, ByteView plaintext,
                         Sm4Padding padding) {
  SEDUN_RETURN_IF_ERROR(CheckKeyAndIv(mode, key, iv));
  bool pad = IsBlockMode(mode) && padding == Sm4Padding::kPkcs7;
  if (IsBlockMode(mode) && !pad && plaintext.size() % kSm4BlockSize != 0) {
    return InvalidArgument("SM4 without padding needs whole 16-byte blocks");
  }
  Bytes out(plaintext.size() + kSm4BlockSize);
  SEDUN_ASSIGN_OR_RETURN(size_t n, Run(mode, true, key, iv, pad, plaintext, out));
  out.resize(n);
  return out;
}

Result<SecretBytes> Sm4Decrypt(Sm4Mode mode, ByteView key, ByteView iv, ByteView ciphertext,
                               Sm4Padding padding) {
  SEDUN_RETURN_IF_ERROR(CheckKeyAndIv(mode, key, iv));
  bool pad = IsBlockMode(mode) && padding == Sm4Padding::kPkcs7;
  if (IsBlockMode(mode) && ciphertext.size() % kSm4BlockSize != 0) {
    return Malformed("SM4 ciphertext is not whole 16-byte blocks");
  }
  if (pad && ciphertext.empty()) return Malformed("SM4 padded ciphertext is empty");
  SecretBytes out(ciphertext.size() + kSm4BlockSize);
  SEDUN_ASSIGN_OR_RETURN(size_t n, Run(mode, false, key, iv, pad, ciphertext, out.span()));
  out.Resize(n);
  return out;
}

}  // namespace sedun::crypto
