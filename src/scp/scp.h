// The SM4 secure channel between client software and the secure element (JR/T 0093.6 7.5.10.2;
// film-shield 2.3.3 (2)): GlobalPlatform SCP03's structure with SM4 in place of AES, as specified
// in docs/apdu.md "Secure channel". Both ends live here so that the card (src/se) and the host
// (src/client) share one implementation of the byte-level rules; each end is its own class with
// its own state, and the tests drive one against the other and against hand-computed values.
//
// Session keys exist only inside these objects (SecretBytes, wiped on destruction): one set per
// channel, never written anywhere (JR/T 7.5.10.2 "one key per session").
// Thread-safety: objects are not shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "apdu/apdu.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"

namespace sedun::scp {

inline constexpr uint8_t kKvnIssuer = 0x01;
inline constexpr uint8_t kKvnClient = 0x30;
inline constexpr uint8_t kScpId = 0x03;
inline constexpr size_t kChallengeSize = 8;
inline constexpr size_t kCryptogramSize = 8;
inline constexpr size_t kMacSize = 8;
inline constexpr size_t kKeySetSize = 48;  // K-ENC || K-MAC || K-DEK

// Security levels of EXTERNAL AUTHENTICATE P1.
inline constexpr uint8_t kLevelCMac = 0x01;
inline constexpr uint8_t kLevelCDec = 0x02;
inline constexpr uint8_t kLevelRMac = 0x10;
inline constexpr uint8_t kLevelREnc = 0x20;
inline constexpr uint8_t kLevelStandard = 0x13;  // C-MAC, C-DEC, R-MAC
inline constexpr uint8_t kLevelFull = 0x33;      // plus R-ENC

// A static key set: three 16-byte SM4 keys.
struct KeySet {
  SecretBytes enc, mac, dek;
  // Splits 48 bytes K-ENC || K-MAC || K-DEK.
  static Result<KeySet> FromBytes(ByteView bytes);
  SecretBytes ToBytes() const;
  KeySet Clone() const;
};

// SP 800-108 counter-mode KDF with SM4-CMAC (docs/apdu.md): `out_bits` of output.
Result<SecretBytes> DeriveData(ByteView key, uint8_t constant, ByteView context, uint16_t out_bits);

// Card end. The card's dispatcher calls Unwrap on every command that arrives with a secure
// messaging CLA while a channel is open, and Wrap on the response to it.
class CardChannel {
 public:
  CardChannel() = default;

  // INITIALIZE UPDATE with `keys` (chosen by the caller from the KVN). Returns the response data
  // (key diversification data (10) || KVN || 03 || 00 || card challenge || card cryptogram).
  // Closes any open channel first.
  Result<Bytes> InitializeUpdate(const KeySet& keys, uint8_t kvn, ByteView kdd10, ByteView host_challenge,
                                 crypto::Rng& rng = crypto::SystemRng());
  // EXTERNAL AUTHENTICATE (the whole command APDU, CLA 84). On success the channel is open at the
  // requested level. Any failure closes it: kPermissionDenied (-> 6982) or kInvalidArgument for a
  // level other than 13 or 33 (-> 6A86).
  Status ExternalAuthenticate(const apdu::CommandApdu& command);

  bool open() const { return level_ != 0; }
  uint8_t level() const { return level_; }
  uint8_t kvn() const { return kvn_; }
  // Ends the session and wipes the keys (on card reset, power off, a new INITIALIZE UPDATE, or
  // any secure-messaging failure).
  void Close();

  // Checks the C-MAC and decrypts: returns the plain command (CLA without the SM bit, data
  // decrypted). On failure the channel is closed and kPermissionDenied returned (-> 6982).
  Result<apdu::CommandApdu> Unwrap(const apdu::CommandApdu& wrapped);
  // Protects a response to the last unwrapped command: encryption at level 33, R-MAC. Error SWs
  // (64xx-6Fxx) go out as bare status words.
  Result<apdu::ResponseApdu> Wrap(const apdu::ResponseApdu& plain);

 private:
  // session state: keys, chaining value, counter, level
  struct Session;
  std::shared_ptr<Session> session_;
  uint8_t level_ = 0;
  uint8_t kvn_ = 0;
};

// Host end.
class HostChannel {
 public:
  HostChannel() = default;

  // Step 1: the INITIALIZE UPDATE command (80 50 KVN 00 08 challenge 00) with a fresh challenge.
  Result<apdu::CommandApdu> BeginInitializeUpdate(uint8_t kvn, crypto::Rng& rng = crypto::SystemRng());
  // Step 2: checks the card's response (its cryptogram proves it holds the keys) and returns the
  // EXTERNAL AUTHENTICATE command for `level`. kVerifyFailed if the card cryptogram is wrong.
  Result<apdu::CommandApdu> FinishInitializeUpdate(const KeySet& keys, const apdu::ResponseApdu& response,
                                                   uint8_t level = kLevelFull);
  // Step 3: the card's answer to EXTERNAL AUTHENTICATE; opens the channel on 9000.
  Status Confirm(const apdu::ResponseApdu& response);

  bool open() const { return level_ != 0; }
  uint8_t level() const { return level_; }
  void Close();

  // Encrypts and MACs a plain command (CLA 00/80, optionally with the chaining bit).
  Result<apdu::CommandApdu> Wrap(const apdu::CommandApdu& plain);
  // Checks the R-MAC and decrypts the response to the last wrapped command. kVerifyFailed (and the
  // channel closed) on a bad R-MAC.
  Result<apdu::ResponseApdu> Unwrap(const apdu::ResponseApdu& wrapped);

 private:
  struct Session;
  std::shared_ptr<Session> session_;
  uint8_t level_ = 0;
};

}  // namespace sedun::scp
