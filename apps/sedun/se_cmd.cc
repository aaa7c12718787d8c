// `sedun se ...`: the card client. Registration, common options, PIN and key-set input, and the
// one-session-per-process helper shared by the command groups in se_*_cmd.cc.
#include <cstdlib>

#include "base/file.h"
#include "pki/certificate.h"
#include "pki/pkcs7.h"
#include "se_common.h"

namespace sedun::cli {

namespace se {

void AddConnectOptions(CLI::App* cmd, ConnectOptions* o, bool with_keys) {
  cmd->add_option("--reader", o->reader, "PC/SC reader name (default: the first reader with a card)")
      ->envname("SEDUN_READER");
  cmd->add_flag("--extended", o->extended, "send long commands as extended APDUs instead of chaining");
  if (with_keys) {
    cmd->add_option("--client-keys", o->client_keys,
                    "client key set file: hex K-ENC||K-MAC||K-DEK (from `sedun se personalise`)")
        ->envname("SEDUN_CLIENT_KEYS");
  }
}

void AddPinOption(CLI::App* cmd, std::string* pin_file) {
  cmd->add_option("--pin-file", *pin_file, "file holding the user PIN (default: the SEDUN_PIN environment variable)");
}

void AddSlotOption(CLI::App* cmd, std::string* slot) {
  cmd->add_option("--slot", *slot, "key slot: sign (01) or encrypt (02)")->capture_default_str();
}

namespace {

Result<SecretBytes> ReadPinRaw(const std::string& file, const char* env, const std::string& option) {
  if (file.empty()) {
    const char* value = std::getenv(env);
    if (value == nullptr || *value == '\0') {
      return InvalidArgument("give " + option + " or set " + env + " (PINs are never taken on the command line)");
    }
    return SecretBytes(AsBytes(value));
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes raw, ReadFile(file, 4096));
  // The first line; the line break is not part of the PIN.
  size_t n = 0;
  while (n < raw.size() && raw[n] != '\n' && raw[n] != '\r') ++n;
  SecretBytes pin(ByteView(raw).first(n));
  SecureWipe(raw.data(), raw.size());
  if (pin.empty()) return InvalidArgument(option + ": file holds no PIN");
  return pin;
}

// Checked here too, so that a PIN no card accepts is an input error before any reader is opened.
Result<SecretBytes> CheckedPin(Result<SecretBytes> pin, const std::string& source) {
  if (!pin.ok()) return pin;
  if (pin->size() < client::kMinPinSize || pin->size() > client::kMaxPinSize) {
    return InvalidArgument(source + ": a PIN is 6 to 16 bytes");
  }
  return pin;
}

}  // namespace

Result<SecretBytes> ReadPin(const std::string& file, const char* env, const std::string& option) {
  return CheckedPin(ReadPinRaw(file, env, option), file.empty() ? std::string(env) : option);
}

Result<scp::KeySet> ReadKeySet(const std::string& file, const std::string& option) {
  if (file.empty()) return InvalidArgument(option + " is required");
  SEDUN_ASSIGN_OR_RETURN(SecretBytes raw, ReadHexSecret("", file, option));
  if (raw.size() != scp::kKeySetSize) {
    return InvalidArgument(option + ": a key set is 48 bytes (96 hex digits), K-ENC||K-MAC||K-DEK");
  }
  return scp::KeySet::FromBytes(raw.view());
}

Result<client::KeySlot> ParseSlot(const std::string& text) {
  if (text == "sign" || text == "1" || text == "01") return client::KeySlot::kSign;
  if (text == "encrypt" || text == "enc" || text == "2" || text == "02") return client::KeySlot::kEncrypt;
  return InvalidArgument("--slot must be sign or encrypt");
}

Result<Bytes> LoadCertificateOrChain(const std::string& path) {
  SEDUN_ASSIGN_OR_RETURN(Bytes raw, ReadFile(path, 1 << 20));
  if (auto bundle = pki::ParsePkcs7CertsOnly(raw); bundle.ok()) return pki::Pkcs7CertsOnlyToDer(*bundle);
  auto certs = pki::LoadCertificates(raw);
  if (!certs.ok()) return certs.status().Annotate(path);
  if (certs->size() == 1) return (*certs)[0].ToDer();
  pki::Pkcs7CertsOnly bundle;
  bundle.certificates = std::move(*certs);
  return pki::Pkcs7CertsOnlyToDer(bundle);
}

Status PinCheckStatus(const client::PinCheck& check, const std::string& which) {
  if (check.verified) return Status::Ok();
  return VerifyFailed("wrong " + which + ", " + std::to_string(check.tries_left) +
                      (check.tries_left == 1 ? " try" : " tries") + " left");
}

Result<std::unique_ptr<Session>> Session::Open(const ConnectOptions& o, Need need, const std::string& pin_file) {
  std::optional<scp::KeySet> keys;
  SecretBytes pin;
  if (need != Need::kNothing) {
    SEDUN_ASSIGN_OR_RETURN(keys, ReadKeySet(o.client_keys, "--client-keys"));
  }
  if (need == Need::kPin) {
    SEDUN_ASSIGN_OR_RETURN(pin, ReadPin(pin_file, "SEDUN_PIN", "--pin-file"));
  }
  std::unique_ptr<Session> s(new Session());
  SEDUN_ASSIGN_OR_RETURN(s->transport_, client::PcscTransport::Connect(o.reader));
  client::SessionOptions options;
  options.long_commands = o.extended ? client::LongCommands::kExtended : client::LongCommands::kChaining;
  s->session_ = std::make_unique<client::ApduSession>(*s->transport_, options);
  s->client_ = std::make_unique<client::SeClient>(*s->session_);
  SEDUN_ASSIGN_OR_RETURN(s->selected_, s->client_->Select());
  if (keys) SEDUN_RETURN_IF_ERROR(s->client_->OpenChannel(*keys, scp::kKvnClient));
  if (need == Need::kPin) {
    SEDUN_ASSIGN_OR_RETURN(client::PinCheck check, s->client_->VerifyPin(client::PinRef::kUser, pin));
    SEDUN_RETURN_IF_ERROR(PinCheckStatus(check, "PIN"));
  }
  return s;
}

}  // namespace se

void AddSeCommands(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("se", "Secure element client over PC/SC: personalise, PINs, keys, certificates, "
                                       "signatures (the card of docs/apdu.md)");
  cmd->require_subcommand(1);
  se::AddCardCommands(cmd, action);
  se::AddPinCommands(cmd, action);
  se::AddKeyCommands(cmd, action);
  se::AddCertCommands(cmd, action);
  se::AddCryptoCommands(cmd, action);
}

}  // namespace sedun::cli
