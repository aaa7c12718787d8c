// SeClient: typed calls for every command of the sedun security service application
// (docs/apdu.md "Commands"), over an ApduSession.
//
// Each call builds its request data as BER-TLV in the order docs/apdu.md lists the objects, sends
// it plain or through the secure channel (whichever the session has open), maps the status word
// through StatusFromSw (sw_status.h, the one mapping) and decodes the answer strictly: every
// object it expects exactly once, nothing unknown, nothing left over.
//
// The caller drives the security state, as the card requires (docs/apdu.md "Security
// conditions"): OpenChannel before anything marked channel or PIN; VerifyPin before anything
// marked PIN, again after each signature (SIGN, CERTIFICATION REQUEST, SIGN WITH SERVER CHECK
// consume it, JR/T 0093.6 7.2). PINs, keys and decrypted data travel in SecretBytes and the
// request buffers that held them are wiped; no message names a PIN or key.
// Thread-safety: one client per session, one thread at a time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apdu/security_service.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "client/apdu_session.h"
#include "crypto/sm2_key.h"
#include "pki/csr.h"
#include "scp/scp.h"

namespace sedun::client {

// The application's AID (docs/apdu.md "The security service application").
inline constexpr const auto& kSeAid = apdu::sss::kAid;

inline constexpr size_t kMinPinSize = 6;  // T/HBPFS: 6-16 characters
inline constexpr size_t kMaxPinSize = 16;
inline constexpr size_t kMaxContainerName = 32;
inline constexpr uint8_t kMaxRetryLimit = 6;  // film-shield: lock after at most 6 failures
inline constexpr size_t kCardSerialSize = 8;

enum class Lifecycle : uint8_t {
  kFactory = 0x01,
  kPersonalised = 0x02,
  kInUse = 0x03,
  kLocked = 0x04,      // user PIN blocked
  kTerminated = 0x05,  // administrator PIN blocked
};
// "factory", "personalised", "in use", "locked", "terminated".
std::string_view LifecycleName(Lifecycle lifecycle);

// SELECT's FCI carries the first three; GET DATA all five.
struct CardInfo {
  Lifecycle lifecycle = Lifecycle::kFactory;
  Bytes serial;  // 8 bytes
  unsigned user_pin_tries = 0;
  std::optional<unsigned> admin_pin_tries;
  std::optional<uint32_t> free_space;  // bytes of certificate and key storage left
};

enum class PinRef : uint8_t { kUser = 0x01, kAdmin = 0x02 };
enum class KeySlot : uint8_t { kSign = 0x01, kEncrypt = 0x02 };

// The outcome of a PIN check that reached the comparison: a wrong PIN (63Cx) is an answer, not an
// error, so that callers can show the tries left. A blocked PIN (6983) is kPermissionDenied.
struct PinCheck {
  bool verified = false;
  unsigned tries_left = 0;  // from 63Cx when !verified
};

struct SlotEntry {
  KeySlot slot = KeySlot::kSign;
  crypto::Sm2PublicKey public_key;
  std::optional<Bytes> certificate;  // DER, when one is installed
};

struct ContainerEntry {
  std::string name;
  std::vector<SlotEntry> slots;
};

// READ CERTIFICATE's answer: where the certificate lives and the certificate (DER).
struct FoundCertificate {
  std::string container;
  KeySlot slot = KeySlot::kSign;
  Bytes certificate;
};

class SeClient {
 public:
  explicit SeClient(ApduSession& session) : session_(session) {}

  ApduSession& session() { return session_; }

  // --- card and channel (se_client.cc) ---
  // SELECT by AID; kNotFound (6A82) when the card does not carry the application. Closes the
  // secure channel, as the card does.
  Result<CardInfo> Select();
  // GET DATA 80 CA 00 01.
  Result<CardInfo> GetData();
  // Opens the secure channel: the client key set (KVN 30) for daily use, the issuer set (KVN 01)
  // to personalise a factory-state card.
  Status OpenChannel(const scp::KeySet& keys, uint8_t kvn = scp::kKvnClient, uint8_t level = scp::kLevelFull);

  // --- personalisation, issuer channel in the factory state (se_client_personalise.cc) ---
  Status PutKeySet(const scp::KeySet& client_keys);
  Status PutTrustAnchor(ByteView root_certificate_der);
  // The server certificate SIGN WITH SERVER CHECK verifies against; it must chain to the root.
  Status PutServerCertificate(ByteView certificate_der);
  // Sets the user or administrator PIN and its retry limit (1-6).
  Status SetPin(PinRef pin, const SecretBytes& new_pin, uint8_t retry_limit);
  // Ends personalisation; the card closes the issuer channel after it, and so does this call.
  Status FinishPersonalisation();

  // --- PINs (se_client_pin.cc) ---
  Result<PinCheck> VerifyPin(PinRef pin, const SecretBytes& value);
  // VERIFY without data: verified (9000) or the tries left (63Cx), comparing nothing.
  Result<PinCheck> PinStatus(PinRef pin);
  Result<PinCheck> ChangePin(PinRef pin, const SecretBytes& old_value, const SecretBytes& new_value);
  // RESET RETRY COUNTER: the administrator PIN sets a new user PIN and unblocks it. `tries_left`
  // in the answer counts administrator tries.
  Result<PinCheck> UnblockPin(const SecretBytes& admin_pin, const SecretBytes& new_user_pin);

  // --- containers and key pairs (se_client_keys.cc) ---
  Status CreateContainer(std::string_view name);
  Status DeleteContainer(std::string_view name);
  Result<std::vector<ContainerEntry>> ListContainers();
  Result<crypto::Sm2PublicKey> GenerateKeyPair(std::string_view container, KeySlot slot);
  Result<crypto::Sm2PublicKey> ReadPublicKey(std::string_view container, KeySlot slot);

  // --- certificates (se_client_cert.cc) ---
  // The card signs a PKCS#10 request for the slot's key; `subject_der` is a DER Name
  // (pki::NameToDer). The request's own signature is checked here before it is returned.
  Result<pki::CertificateRequest> CertificationRequest(std::string_view container, KeySlot slot,
                                                       ByteView subject_der);
  // One DER certificate, or a DER PKCS#7 bundle holding the chain.
  Status ImportCertificate(std::string_view container, KeySlot slot, ByteView certificate_der);
  Result<Bytes> ExportCertificate(std::string_view container, KeySlot slot);
  // The first certificate (container order, slot 01 before 02) with serial number `serial` (its
  // unsigned big-endian bytes; empty: any) that is valid at `at` (nullopt: any time). At least one
  // criterion is required. kNotFound when none matches.
  Result<FoundCertificate> ReadCertificate(ByteView serial, std::optional<std::chrono::sys_seconds> at);
  Result<FoundCertificate> ReadCertificateBySerial(ByteView serial) { return ReadCertificate(serial, std::nullopt); }
  Result<FoundCertificate> ReadCertificateByTime(std::chrono::sys_seconds at) { return ReadCertificate({}, at); }
  Status DeleteCertificate(std::string_view container, KeySlot slot);

  // --- signatures and encryption (se_client_crypto.cc) ---
  // `user_id` is the signer ID hashed into ZA; empty means the card's default 1234567812345678.
  Result<Bytes> Sign(std::string_view container, ByteView message, ByteView user_id = {});
  // kVerifyFailed (6300) for an invalid signature. The certificate is validated by the card.
  Status VerifySignature(ByteView certificate_der, ByteView message, ByteView signature, ByteView user_id = {});
  // With the signature certificate of a container on the card.
  Status VerifySignatureWithContainer(std::string_view container, ByteView message, ByteView signature,
                                      ByteView user_id = {});
  // SM2 encryption to a certificate the card validates first; DER SM2Cipher.
  Result<Bytes> Encrypt(ByteView recipient_certificate_der, ByteView plaintext);
  Result<SecretBytes> Decrypt(std::string_view container, ByteView ciphertext);
  Result<SecretBytes> OpenEnvelope(std::string_view container, ByteView envelope);
  // Film-shield signing: the card checks `server_signature` over `message` with the server
  // certificate first; kVerifyFailed (6988) and no signature when it does not verify.
  Result<Bytes> SignWithServerCheck(std::string_view container, ByteView message, ByteView server_signature,
                                    ByteView user_id = {});

 private:
  // Sends one command; `expect_data` sets Le. A non-9000 status becomes a Status named `name`.
  Result<Bytes> Call(std::string_view name, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, ByteView data,
                     bool expect_data);
  // The same, returning the status word of a PIN check (9000 or 63Cx) instead of failing on it.
  Result<PinCheck> CallPin(std::string_view name, uint8_t ins, uint8_t p2, ByteView data);

  ApduSession& session_;
};

}  // namespace sedun::client
