// `sedun sm4 encrypt|decrypt`: SM4 in ECB, CBC, CTR or GCM over a file.
//
// Without --iv, encryption draws a random IV (16 bytes; 12 for GCM) and writes IV || ciphertext,
// and decryption takes the IV from the head of the input, so the common case needs no IV
// bookkeeping. GCM output is ciphertext || 16-byte tag; a wrong tag exits 1 and writes nothing.
#include "cli.h"
#include "crypto/rng.h"
#include "crypto/sm4.h"

namespace sedun::cli {
namespace {

struct Sm4Options {
  std::string mode = "cbc";
  std::string key_hex, key_file, iv_hex, aad_hex, in = "-", out = "-";
  bool no_pad = false;
};

Status RunSm4(const Sm4Options& o, bool encrypt) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes key, ReadHexSecret(o.key_hex, o.key_file, "--key"));
  if (key.size() != crypto::kSm4KeySize) return InvalidArgument("--key must be 16 bytes (32 hex digits)");
  const bool gcm = o.mode == "gcm";
  if (o.mode == "ecb" && !o.iv_hex.empty()) return InvalidArgument("--iv is not used in ECB mode");
  if (!gcm && !o.aad_hex.empty()) return InvalidArgument("--aad is only used in GCM mode");
  if (o.no_pad && (o.mode == "ctr" || gcm)) return InvalidArgument("--no-pad applies to ECB and CBC only");
  SEDUN_ASSIGN_OR_RETURN(Bytes aad, HexDecode(o.aad_hex));
  SEDUN_ASSIGN_OR_RETURN(Bytes in, ReadInput(o.in));

  const size_t iv_size = gcm ? 12 : (o.mode == "ecb" ? 0 : crypto::kSm4BlockSize);
  Bytes iv;
  bool iv_in_stream = false;
  if (!o.iv_hex.empty()) {
    auto parsed = HexDecode(o.iv_hex);
    if (!parsed.ok()) return parsed.status().Annotate("--iv");
    iv = *parsed;
    if (!gcm && iv.size() != iv_size) return InvalidArgument("--iv must be 16 bytes in CBC and CTR modes");
    if (gcm && iv.empty()) return InvalidArgument("--iv must not be empty");
  } else if (iv_size > 0) {
    iv_in_stream = true;
    if (encrypt) {
      SEDUN_ASSIGN_OR_RETURN(iv, crypto::RandomBytes(crypto::SystemRng(), iv_size));
    } else {
      if (in.size() < iv_size) return Malformed("input is shorter than the IV it should start with");
      iv.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(iv_size));
      in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(iv_size));
    }
  }

  crypto::Sm4Mode mode = crypto::Sm4Mode::kCbc;
  if (o.mode == "ecb") {
    mode = crypto::Sm4Mode::kEcb;
  } else if (o.mode == "cbc") {
    mode = crypto::Sm4Mode::kCbc;
  } else if (o.mode == "ctr") {
    mode = crypto::Sm4Mode::kCtr;
  } else if (!gcm) {
    return InvalidArgument("--mode must be ecb, cbc, ctr or gcm");
  }
  const auto padding = o.no_pad ? crypto::Sm4Padding::kNone : crypto::Sm4Padding::kPkcs7;

  if (encrypt) {
    Result<Bytes> ct = gcm ? crypto::Sm4GcmSeal(key.view(), iv, aad, in)
                           : crypto::Sm4Encrypt(mode, key.view(), iv, in, padding);
    if (!ct.ok()) return ct.status();
    Bytes out = iv_in_stream ? Concat({iv, *ct}) : std::move(*ct);
    return WriteOutput(o.out, out);
  }
  Result<SecretBytes> pt = gcm ? crypto::Sm4GcmOpen(key.view(), iv, aad, in)
                               : crypto::Sm4Decrypt(mode, key.view(), iv, in, padding);
  if (!pt.ok()) return pt.status();
  return WriteOutput(o.out, pt->view(), 0600);
}

void AddDirection(CLI::App* sm4, Action* action, const std::string& name, bool encrypt) {
  auto o = std::make_shared<Sm4Options>();
  auto* cmd = sm4->add_subcommand(name, encrypt ? "Encrypt a file with SM4" : "Decrypt a file with SM4");
  cmd->add_option("--mode", o->mode, "ecb, cbc, ctr or gcm")
      ->check(CLI::IsMember({"ecb", "cbc", "ctr", "gcm"}))
      ->capture_default_str();
  auto* key = cmd->add_option("--key", o->key_hex, "16-byte key in hex (visible to other local users; prefer --key-file)");
  auto* key_file = cmd->add_option("--key-file", o->key_file, "file holding the key in hex");
  key->excludes(key_file);
  cmd->add_option("--iv", o->iv_hex,
                  "IV in hex (16 bytes CBC/CTR, any non-empty length GCM); without it a random IV "
                  "is prepended to the output on encrypt and read from the input on decrypt");
  cmd->add_option("--aad", o->aad_hex, "GCM additional authenticated data in hex");
  cmd->add_flag("--no-pad", o->no_pad, "ECB/CBC without PKCS#7 padding (input must be whole blocks)");
  cmd->add_option("--in", o->in, "input file (default: standard input)");
  cmd->add_option("--out", o->out, "output file (default: standard output)");
  cmd->callback([action, o, encrypt] { *action = [o, encrypt] { return RunSm4(*o, encrypt); }; });
}

}  // namespace

void AddSm4Commands(CLI::App& app, Action* action) {
  auto* sm4 = app.add_subcommand("sm4", "SM4 block cipher (GB/T 32907): ECB, CBC, CTR, GCM");
  sm4->require_subcommand(1);
  AddDirection(sm4, action, "encrypt", true);
  AddDirection(sm4, action, "decrypt", false);
}

}  // namespace sedun::cli
