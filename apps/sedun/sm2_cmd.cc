// `sedun sm2 keygen|sign|verify|encrypt|decrypt`: SM2 with keys in PEM/DER files.
//
// Signatures are DER SM2Signature (GM/T 0009 §7.3) over e = SM3(ZA || M) with the user ID given
// by --id (ASCII) or --hexid, default 1234567812345678 (GM/T 0009 §10); the message is streamed,
// so files of any size can be signed. Ciphertexts are GM/T 0009 DER by default (what OpenSSL
// reads), or raw C1C3C2 / C1C2C3 with --format. Exit codes: 0 valid, 1 invalid, 2 usage/input.
#include "base/file.h"
#include "cli.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"
#include "pki/key_io.h"

namespace sedun::cli {
namespace {

// The ID given, or the GM/T 0009 §10 default.
Result<Bytes> IdOrDefault(const IdOptions& o) {
  SEDUN_ASSIGN_OR_RETURN(Bytes id, ResolveId(o));
  if (id.empty()) return ToBytes(crypto::kSm2DefaultId);
  return id;
}

Result<crypto::Sm2PrivateKey> LoadPrivateKey(const std::string& path) {
  if (path.empty()) return InvalidArgument("--key is required");
  SEDUN_ASSIGN_OR_RETURN(SecretBytes raw, [&]() -> Result<SecretBytes> {
    SEDUN_ASSIGN_OR_RETURN(Bytes b, ReadFile(path, 1 << 20));
    SecretBytes s(b);
    SecureWipe(b.data(), b.size());
    return s;
  }());
  auto key = pki::LoadPrivateKey(raw.view());
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

// The recipient or signer public key from --pubkey (SPKI PEM/DER) or --cert (X.509 PEM/DER).
Result<crypto::Sm2PublicKey> LoadPublicKey(const std::string& pubkey, const std::string& cert) {
  if (pubkey.empty() == cert.empty()) return InvalidArgument("give exactly one of --pubkey and --cert");
  const std::string& path = pubkey.empty() ? cert : pubkey;
  SEDUN_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, 1 << 20));
  if (!pubkey.empty()) {
    auto key = pki::LoadPublicKey(raw);
    if (!key.ok()) return key.status().Annotate(path);
    return key;
  }
  auto c = pki::Certificate::Load(raw);
  if (!c.ok()) return c.status().Annotate(path);
  auto key = c->public_key();
  if (!key.ok()) return key.status().Annotate(path);
  return key;
}

Result<crypto::Sm2CipherFormat> ParseFormat(const std::string& f) {
  if (f == "der") return crypto::Sm2CipherFormat::kDer;
  if (f == "c1c3c2") return crypto::Sm2CipherFormat::kC1C3C2;
  if (f == "c1c2c3") return crypto::Sm2CipherFormat::kC1C2C3;
  return InvalidArgument("--format must be der, c1c3c2 or c1c2c3");
}

// e = SM3(ZA || M) over a streamed file.
Result<crypto::Sm3Digest> DigestFile(const crypto::Sm2PublicKey& key, ByteView id, const std::string& in) {
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2Digest d, crypto::Sm2Digest::Create(key, id));
  SEDUN_RETURN_IF_ERROR(StreamFile(in.empty() ? "-" : in, [&d](ByteView chunk) { return d.Update(chunk); }));
  return d.Final();
}

void AddKeygen(CLI::App* sm2, Action* action) {
  struct O {
    std::string out, pubout;
  };
  auto o = std::make_shared<O>();
  auto* cmd = sm2->add_subcommand("keygen", "Generate an SM2 key pair (PKCS#8 PEM, file mode 0600)");
  cmd->add_option("--out", o->out, "private key file (PKCS#8 PEM)")->required();
  cmd->add_option("--pubout", o->pubout, "also write the public key (SubjectPublicKeyInfo PEM)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, crypto::Sm2PrivateKey::Generate());
      SEDUN_ASSIGN_OR_RETURN(SecretBytes pem, pki::PrivateKeyToPem(key));
      SEDUN_RETURN_IF_ERROR(WriteFileAtomic(o->out, pem.view(), 0600));
      if (!o->pubout.empty()) {
        SEDUN_ASSIGN_OR_RETURN(std::string pub, pki::PublicKeyToPem(key.public_key()));
        SEDUN_RETURN_IF_ERROR(WriteFileAtomic(o->pubout, AsBytes(pub)));
      }
      return Status::Ok();
    };
  });
}

void AddSign(CLI::App* sm2, Action* action) {
  struct O {
    std::string key, in = "-", out = "-";
    IdOptions id;
  };
  auto o = std::make_shared<O>();
  auto* cmd = sm2->add_subcommand("sign", "Sign a file with SM3withSM2 (DER signature)");
  cmd->add_option("--key", o->key, "private key (PKCS#8 or SEC1, PEM or DER)")->required();
  AddIdOptions(cmd, &o->id, "1234567812345678");
  cmd->add_option("--in", o->in, "message file (default: standard input)");
  cmd->add_option("--out", o->out, "signature file (default: standard output)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(Bytes id, IdOrDefault(o->id));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, LoadPrivateKey(o->key));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest e, DigestFile(key.public_key(), id, o->in));
      SEDUN_ASSIGN_OR_RETURN(Bytes sig, crypto::Sm2SignDigest(key, e));
      return WriteOutput(o->out, sig);
    };
  });
}

void AddVerify(CLI::App* sm2, Action* action) {
  struct O {
    std::string pubkey, cert, in = "-", sig;
    IdOptions id;
  };
  auto o = std::make_shared<O>();
  auto* cmd = sm2->add_subcommand("verify", "Verify an SM3withSM2 signature (exit 0 valid, 1 invalid, 2 error)");
  auto* pub = cmd->add_option("--pubkey", o->pubkey, "signer's public key (PEM or DER)");
  auto* cert = cmd->add_option("--cert", o->cert, "signer's certificate (PEM or DER); its key is used, "
                                                  "the certificate itself is not validated here");
  pub->excludes(cert);
  AddIdOptions(cmd, &o->id, "1234567812345678");
  cmd->add_option("--in", o->in, "message file (default: standard input)");
  cmd->add_option("--sig", o->sig, "DER signature file")->required();
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(Bytes id, IdOrDefault(o->id));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, LoadPublicKey(o->pubkey, o->cert));
      SEDUN_ASSIGN_OR_RETURN(Bytes sig, ReadFile(o->sig, 4096));
      // A signature that does not even parse is an input error (exit 2), not an invalid one.
      if (auto parsed = crypto::Sm2DecodeSignature(sig); !parsed.ok()) return parsed.status().Annotate(o->sig);
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest e, DigestFile(key, id, o->in));
      SEDUN_RETURN_IF_ERROR(crypto::Sm2VerifyDigest(key, e, sig));
      std::printf("signature valid\n");
      return Status::Ok();
    };
  });
}

void AddEncrypt(CLI::App* sm2, Action* action) {
  struct O {
    std::string pubkey, cert, in = "-", out = "-", format = "der";
  };
  auto o = std::make_shared<O>();
  auto* cmd = sm2->add_subcommand("encrypt", "Encrypt a file to an SM2 public key");
  auto* pub = cmd->add_option("--pubkey", o->pubkey, "recipient public key (PEM or DER)");
  auto* cert = cmd->add_option("--cert", o->cert, "recipient certificate (PEM or DER)");
  pub->excludes(cert);
  cmd->add_option("--format", o->format, "der (GM/T 0009), c1c3c2 (GB/T 32918.4-2016) or c1c2c3")
      ->capture_default_str();
  cmd->add_option("--in", o->in, "plaintext file (default: standard input)");
  cmd->add_option("--out", o->out, "ciphertext file (default: standard output)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2CipherFormat format, ParseFormat(o->format));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, LoadPublicKey(o->pubkey, o->cert));
      SEDUN_ASSIGN_OR_RETURN(Bytes in, ReadInput(o->in));
      SEDUN_ASSIGN_OR_RETURN(Bytes ct, crypto::Sm2Encrypt(key, in, format));
      return WriteOutput(o->out, ct);
    };
  });
}

void AddDecrypt(CLI::App* sm2, Action* action) {
  struct O {
    std::string key, in = "-", out = "-", format = "der";
  };
  auto o = std::make_shared<O>();
  auto* cmd = sm2->add_subcommand("decrypt", "Decrypt an SM2 ciphertext with a private key");
  cmd->add_option("--key", o->key, "private key (PKCS#8 or SEC1, PEM or DER)")->required();
  cmd->add_option("--format", o->format, "der (GM/T 0009), c1c3c2 (GB/T 32918.4-2016) or c1c2c3")
      ->capture_default_str();
  cmd->add_option("--in", o->in, "ciphertext file (default: standard input)");
  cmd->add_option("--out", o->out, "plaintext file (default: standard output)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2CipherFormat format, ParseFormat(o->format));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, LoadPrivateKey(o->key));
      SEDUN_ASSIGN_OR_RETURN(Bytes in, ReadInput(o->in));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes pt, crypto::Sm2Decrypt(key, in, format));
      return WriteOutput(o->out, pt.view(), 0600);
    };
  });
}

}  // namespace

void AddSm2Commands(CLI::App& app, Action* action) {
  auto* sm2 = app.add_subcommand("sm2", "SM2 public-key cryptography (GB/T 32918): keys, signatures, encryption");
  sm2->require_subcommand(1);
  AddKeygen(sm2, action);
  AddSign(sm2, action);
  AddVerify(sm2, action);
  AddEncrypt(sm2, action);
  AddDecrypt(sm2, action);
}

}  // namespace sedun::cli
