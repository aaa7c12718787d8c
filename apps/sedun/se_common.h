// Shared pieces of `sedun se ...`, the card client commands: the options every command takes,
// reading PINs and key sets without ever taking them on the command line, and the session every
// command runs in.
//
// One process is one card session (docs/apdu.md: the PIN state lives in the card's RAM and each
// signature consumes it): connect, SELECT, open the secure channel with the client key set,
// verify the PIN when the command needs it, do the work, and disconnect, which resets the card.
#pragma once

#include <memory>
#include <string>

#include "cli.h"
#include "client/apdu_session.h"
#include "client/pcsc_transport.h"
#include "client/se_client.h"
#include "scp/scp.h"

namespace sedun::cli::se {

struct ConnectOptions {
  std::string reader;       // empty: the first reader with a card
  std::string client_keys;  // hex K-ENC || K-MAC || K-DEK file
  bool extended = false;    // extended APDUs instead of chaining
};

// --reader, --extended and, when `with_keys`, --client-keys (env SEDUN_READER, SEDUN_CLIENT_KEYS).
void AddConnectOptions(CLI::App* cmd, ConnectOptions* o, bool with_keys = true);
// --pin-file FILE, else the SEDUN_PIN environment variable.
void AddPinOption(CLI::App* cmd, std::string* pin_file);

// A PIN from `file` (its first line) or, when `file` is empty, from the environment variable
// `env`. InvalidArgument naming the option and the variable when neither is given.
Result<SecretBytes> ReadPin(const std::string& file, const char* env, const std::string& option);
// A 48-byte key set from a hex file.
Result<scp::KeySet> ReadKeySet(const std::string& file, const std::string& option);
// "sign" / "1" -> kSign, "encrypt" / "enc" / "2" -> kEncrypt.
Result<client::KeySlot> ParseSlot(const std::string& text);
void AddSlotOption(CLI::App* cmd, std::string* slot);

// What the card takes as `86` where a chain is allowed: one DER certificate, or a DER PKCS#7
// bundle. Reads a certificate (PEM or DER), a PEM file of several, or a PKCS#7 bundle (PEM or DER).
Result<Bytes> LoadCertificateOrChain(const std::string& path);

// "wrong PIN, 2 tries left" as a failed verification (exit 1), from a PIN check's answer.
Status PinCheckStatus(const client::PinCheck& check, const std::string& which);

class Session {
 public:
  enum class Need { kNothing, kChannel, kPin };
  // Reads the key set and PIN first (input errors before the card is touched), then connects,
  // selects the application, opens the channel and verifies the user PIN as `need` asks.
  static Result<std::unique_ptr<Session>> Open(const ConnectOptions& o, Need need, const std::string& pin_file = {});

  client::SeClient& client() { return *client_; }
  client::PcscTransport& transport() { return *transport_; }
  const client::CardInfo& selected() const { return selected_; }

 private:
  Session() = default;
  std::unique_ptr<client::PcscTransport> transport_;
  std::unique_ptr<client::ApduSession> session_;
  std::unique_ptr<client::SeClient> client_;
  client::CardInfo selected_;
};

// Registration of each command group under `sedun se`.
void AddCardCommands(CLI::App* se, Action* action);    // readers, info, personalise
void AddPinCommands(CLI::App* se, Action* action);     // pin verify|change|unblock
void AddKeyCommands(CLI::App* se, Action* action);     // container create|delete|list, keygen
void AddCertCommands(CLI::App* se, Action* action);    // csr, cert import|export|read|delete
void AddCryptoCommands(CLI::App* se, Action* action);  // sign, verify, encrypt, decrypt, envelope open

}  // namespace sedun::cli::se
