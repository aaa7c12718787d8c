// `sedun se readers | info | personalise`: finding the card, reading its public status, and
// turning a factory-state card into one the client can use (docs/apdu.md "Lifecycle").
#include <cstdio>
#include <filesystem>

#include "base/file.h"
#include "crypto/rng.h"
#include "pki/certificate.h"
#include "se_common.h"

namespace sedun::cli::se {
namespace {

void AddReaders(CLI::App* se, Action* action) {
  auto* cmd = se->add_subcommand("readers", "List the PC/SC readers and whether each holds a card");
  cmd->callback([action] {
    *action = []() -> Status {
      SEDUN_ASSIGN_OR_RETURN(std::vector<client::ReaderInfo> readers, client::PcscTransport::ListReaders());
      if (readers.empty()) {
        std::printf("no readers\n");
        return Status::Ok();
      }
      for (const client::ReaderInfo& r : readers) {
        if (r.card_present) {
          std::printf("%s: card present, ATR %s\n", r.name.c_str(), HexEncode(r.atr).c_str());
        } else {
          std::printf("%s: no card\n", r.name.c_str());
        }
      }
      return Status::Ok();
    };
  });
}

void AddInfo(CLI::App* se, Action* action) {
  auto o = std::make_shared<ConnectOptions>();
  auto* cmd = se->add_subcommand("info", "Show the card's serial, lifecycle state, PIN tries left and free space "
                                         "(no channel or PIN needed)");
  AddConnectOptions(cmd, o.get(), false);
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(*o, Session::Need::kNothing));
      SEDUN_ASSIGN_OR_RETURN(client::CardInfo info, s->client().GetData());
      std::printf("reader: %s\n", s->transport().reader().c_str());
      std::printf("ATR: %s\n", HexEncode(s->transport().atr()).c_str());
      std::printf("serial: %s\n", HexEncode(info.serial).c_str());
      std::printf("lifecycle: %s\n", std::string(client::LifecycleName(info.lifecycle)).c_str());
      std::printf("user PIN tries left: %u\n", info.user_pin_tries);
      if (info.admin_pin_tries) std::printf("admin PIN tries left: %u\n", *info.admin_pin_tries);
      if (info.free_space) std::printf("free space: %u bytes\n", static_cast<unsigned>(*info.free_space));
      return Status::Ok();
    };
  });
}

Result<Bytes> LoadCertificateDer(const std::string& path, const std::string& option) {
  if (path.empty()) return InvalidArgument(option + " is required");
  SEDUN_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, 1 << 20));
  auto cert = pki::Certificate::Load(raw);
  if (!cert.ok()) return cert.status().Annotate(path);
  return cert->ToDer();
}

void AddPersonalise(CLI::App* se, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string issuer_keys, trust_anchor, server_cert, user_pin_file, admin_pin_file, client_keys_out;
    unsigned retry_limit = 6;
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand(
      "personalise",
      "Personalise a factory-state card over the issuer channel: a fresh client key set (written to "
      "--client-keys-out, mode 0600), the trust anchor, the server certificate and both PINs");
  AddConnectOptions(cmd, &o->connect, false);
  cmd->add_option("--issuer-keys", o->issuer_keys, "issuer key set file (hex, from `sedun-card create`)")->required();
  cmd->add_option("--trust-anchor", o->trust_anchor, "root CA certificate the card will trust (PEM or DER)")->required();
  cmd->add_option("--server-cert", o->server_cert, "server certificate for film-shield checks (PEM or DER), or its chain up to the trust anchor (PEM chain or PKCS#7)")->required();
  cmd->add_option("--user-pin-file", o->user_pin_file, "file holding the initial user PIN (6-16 bytes)")->required();
  cmd->add_option("--admin-pin-file", o->admin_pin_file, "file holding the administrator PIN (6-16 bytes)")
      ->required();
  cmd->add_option("--retry-limit", o->retry_limit, "wrong PINs allowed before blocking, 1-6")->capture_default_str();
  cmd->add_option("--client-keys-out", o->client_keys_out, "where to write the new client key set (hex, 0600)")
      ->required();
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      // Every input is read and checked before the card is touched.
      if (o->retry_limit < 1 || o->retry_limit > client::kMaxRetryLimit) {
        return InvalidArgument("--retry-limit must be 1 to 6");
      }
      SEDUN_ASSIGN_OR_RETURN(scp::KeySet issuer, ReadKeySet(o->issuer_keys, "--issuer-keys"));
      SEDUN_ASSIGN_OR_RETURN(Bytes root, LoadCertificateDer(o->trust_anchor, "--trust-anchor"));
      SEDUN_ASSIGN_OR_RETURN(Bytes server, LoadCertificateOrChain(o->server_cert));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes user_pin, ReadPin(o->user_pin_file, "SEDUN_PIN", "--user-pin-file"));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes admin_pin, ReadPin(o->admin_pin_file, "SEDUN_ADMIN_PIN", "--admin-pin-file"));
      std::error_code ec;
      if (std::filesystem::exists(o->client_keys_out, ec)) {
        // The file may hold the only copy of another card's keys.
        return AlreadyExists(o->client_keys_out + " exists; refusing to overwrite a client key set");
      }
      SEDUN_ASSIGN_OR_RETURN(SecretBytes client_raw, crypto::RandomSecret(crypto::SystemRng(), scp::kKeySetSize));
      SEDUN_ASSIGN_OR_RETURN(scp::KeySet client_keys, scp::KeySet::FromBytes(client_raw.view()));
      // Written before the card learns the keys: a card personalised with keys nobody kept
      // could never open a client channel again.
      std::string hex = HexEncode(client_raw.view()) + "\n";
      Status written = WriteFileAtomic(o->client_keys_out, AsBytes(hex), 0600);
      SecureWipe(hex.data(), hex.size());
      SEDUN_RETURN_IF_ERROR(written);

      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kNothing));
      client::SeClient& card = s->client();
      if (s->selected().lifecycle != client::Lifecycle::kFactory) {
        return FailedPrecondition("card is " + std::string(client::LifecycleName(s->selected().lifecycle)) +
                                  ", not in the factory state");
      }
      SEDUN_RETURN_IF_ERROR(card.OpenChannel(issuer, scp::kKvnIssuer));
      SEDUN_RETURN_IF_ERROR(card.PutKeySet(client_keys));
      SEDUN_RETURN_IF_ERROR(card.PutTrustAnchor(root));
      SEDUN_RETURN_IF_ERROR(card.PutServerCertificate(server));
      const auto limit = static_cast<uint8_t>(o->retry_limit);
      SEDUN_RETURN_IF_ERROR(card.SetPin(client::PinRef::kUser, user_pin, limit));
      SEDUN_RETURN_IF_ERROR(card.SetPin(client::PinRef::kAdmin, admin_pin, limit));
      SEDUN_RETURN_IF_ERROR(card.FinishPersonalisation());
      std::printf("card %s personalised; client key set in %s\n", HexEncode(s->selected().serial).c_str(),
                  o->client_keys_out.c_str());
      return Status::Ok();
    };
  });
}

}  // namespace

void AddCardCommands(CLI::App* se, Action* action) {
  AddReaders(se, action);
  AddInfo(se, action);
  AddPersonalise(se, action);
}

}  // namespace sedun::cli::se
