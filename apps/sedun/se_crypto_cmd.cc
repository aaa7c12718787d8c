// `sedun se sign | verify | encrypt | decrypt | envelope open`: the card's SM2 operations
// (JR/T 0093.6 5.4.1 e-f, 7.3.3; film-shield 2.3.2 with `sign --server-sig`). Signing keys are
// the container's slot 01, decryption keys its slot 02. Exit codes: 0 ok, 1 a signature did not
// verify (ours or, for --server-sig, the server's), 2 anything else.
#include <cstdio>

#include "base/file.h"
#include "se_common.h"

namespace sedun::cli::se {
namespace {

struct KeyOptions {
  ConnectOptions connect;
  std::string pin_file, container, in = "-", out = "-";
};

void AddKeyOptions(CLI::App* cmd, KeyOptions* o, const char* in_help, const char* out_help) {
  AddConnectOptions(cmd, &o->connect);
  AddPinOption(cmd, &o->pin_file);
  cmd->add_option("--container", o->container, "container name")->required();
  cmd->add_option("--in", o->in, in_help);
  cmd->add_option("--out", o->out, out_help);
}

void AddSign(CLI::App* se, Action* action) {
  struct O {
    KeyOptions k;
    IdOptions id;
    std::string server_sig;
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand(
      "sign", "Sign a message with a container's signature key (DER SM2 signature over SM3(ZA || M)); with "
              "--server-sig the card first checks the server's signature over the message (film-shield)");
  AddKeyOptions(cmd, &o->k, "message file (default: standard input)", "signature file (default: standard output)");
  AddIdOptions(cmd, &o->id, "the card's, 1234567812345678");
  cmd->add_option("--server-sig", o->server_sig,
                  "DER signature of the message by the server certificate stored at personalisation");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(Bytes id, ResolveId(o->id));
      SEDUN_ASSIGN_OR_RETURN(Bytes message, ReadInput(o->k.in));
      std::optional<Bytes> server_sig;
      if (!o->server_sig.empty()) {
        SEDUN_ASSIGN_OR_RETURN(server_sig, ReadFile(o->server_sig, 4096));
      }
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->k.connect, Session::Need::kPin, o->k.pin_file));
      SEDUN_ASSIGN_OR_RETURN(Bytes sig, server_sig ? s->client().SignWithServerCheck(o->k.container, message,
                                                                                     *server_sig, id)
                                                   : s->client().Sign(o->k.container, message, id));
      return WriteOutput(o->k.out, sig);
    };
  });
}

void AddVerify(CLI::App* se, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string container, cert, in = "-", sig;
    IdOptions id;
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand("verify", "Have the card verify an SM2 signature with a certificate it validates "
                                           "against its trust anchor, or a container's certificate "
                                           "(exit 0 valid, 1 invalid, 2 error)");
  AddConnectOptions(cmd, &o->connect);
  auto* container_opt = cmd->add_option("--container", o->container, "verify with this container's certificate");
  auto* cert_opt = cmd->add_option("--cert", o->cert, "verify with this certificate (PEM or DER) or chain (PEM or PKCS#7)");
  container_opt->excludes(cert_opt);
  AddIdOptions(cmd, &o->id, "the card's, 1234567812345678");
  cmd->add_option("--in", o->in, "message file (default: standard input)");
  cmd->add_option("--sig", o->sig, "DER signature file")->required();
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      if (o->container.empty() == o->cert.empty()) return InvalidArgument("give exactly one of --container and --cert");
      SEDUN_ASSIGN_OR_RETURN(Bytes id, ResolveId(o->id));
      SEDUN_ASSIGN_OR_RETURN(Bytes sig, ReadFile(o->sig, 4096));
      SEDUN_ASSIGN_OR_RETURN(Bytes message, ReadInput(o->in));
      Bytes cert_der;
      if (!o->cert.empty()) {
        SEDUN_ASSIGN_OR_RETURN(cert_der, LoadCertificateOrChain(o->cert));
      }
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      SEDUN_RETURN_IF_ERROR(o->cert.empty() ? s->client().VerifySignatureWithContainer(o->container, message, sig, id)
                                            : s->client().VerifySignature(cert_der, message, sig, id));
      std::printf("signature valid\n");
      return Status::Ok();
    };
  });
}

void AddEncrypt(CLI::App* se, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string cert, in = "-", out = "-";
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand("encrypt", "SM2-encrypt a message in the card to a certificate it validates first "
                                            "(DER SM2Cipher)");
  AddConnectOptions(cmd, &o->connect);
  cmd->add_option("--cert", o->cert, "recipient certificate (PEM or DER) or chain (PEM or PKCS#7)")->required();
  cmd->add_option("--in", o->in, "plaintext file (default: standard input)");
  cmd->add_option("--out", o->out, "ciphertext file (default: standard output)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(Bytes cert_der, LoadCertificateOrChain(o->cert));
      SEDUN_ASSIGN_OR_RETURN(Bytes plaintext, ReadInput(o->in));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      auto ct = s->client().Encrypt(cert_der, plaintext);
      SecureWipe(plaintext.data(), plaintext.size());
      if (!ct.ok()) return ct.status();
      return WriteOutput(o->out, *ct);
    };
  });
}

// DECRYPT and OPEN ENVELOPE: ciphertext in, plaintext out (mode 0600).
void AddOpen(CLI::App* parent, Action* action, bool envelope) {
  auto o = std::make_shared<KeyOptions>();
  auto* cmd = parent->add_subcommand(
      envelope ? "open" : "decrypt",
      envelope ? "Open a sedun digital envelope with a container's encryption key (needs the PIN)"
               : "Decrypt an SM2 ciphertext (DER) with a container's encryption key (needs the PIN)");
  AddKeyOptions(cmd, o.get(), envelope ? "envelope file (default: standard input)"
                                       : "ciphertext file (default: standard input)",
                "plaintext file, written with mode 0600 (default: standard output)");
  cmd->callback([action, o, envelope] {
    *action = [o, envelope]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(Bytes in, ReadInput(o->in));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kPin, o->pin_file));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes plain, envelope ? s->client().OpenEnvelope(o->container, in)
                                                         : s->client().Decrypt(o->container, in));
      return WriteOutput(o->out, plain.view(), 0600);
    };
  });
}

}  // namespace

void AddCryptoCommands(CLI::App* se, Action* action) {
  AddSign(se, action);
  AddVerify(se, action);
  AddEncrypt(se, action);
  AddOpen(se, action, false);
  auto* envelope = se->add_subcommand("envelope", "Digital envelopes (JR/T 0093.6 7.3.3.3)");
  envelope->require_subcommand(1);
  AddOpen(envelope, action, true);
}

}  // namespace sedun::cli::se
