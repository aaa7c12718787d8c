// The SM4 secure channel between client software and the secure element (JR/T 0093.6 7.5.10.2;
// film-shield 2.3.3 (2)): GlobalPlatform SCP03's structure with SM4 in place of AES, as specified
// in docs/apdu.md "Secure channel". Both ends live here so that the card (src/se) and the host
// (src/client) share one implementation of the byte-level rules; each end is its own class with
// its own state, and the tests drive one against the other and against hand-computed values.
//
// Session keys exist only inside these objects (SecretBytes, wiped on destruction): one set per
// channel, never written anywhere (JR/T 7.5.10.2 "one key per session"). Every failure of a
// channel operation closes that channel: a secure channel that has seen one bad message is not
// trusted to see another, and closing keeps the two ends from drifting out of step silently.
//
// Class bytes: a wrapped command carries its plain CLA with the GlobalPlatform secure messaging
// bit 04 added (80 -> 84, 00 -> 04, and 94 / 14 on chained parts), so unwrapping gives back the
// exact plain CLA. Only the basic logical channel is wrapped.
// Thread-safety: objects are not shared between threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

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
inline constexpr size_t kKeySize = 16;
inline constexpr size_t kKeySetSize = 48;  // K-ENC || K-MAC || K-DEK
inline constexpr size_t kKddSize = 10;     // key diversification data: card serial || 00 00
// INITIALIZE UPDATE response data: KDD (10) || KVN || 03 || 00 || card challenge || cryptogram.
inline constexpr size_t kInitializeUpdateResponseSize = kKddSize + 3 + kChallengeSize + kCryptogramSize;

// Security levels of EXTERNAL AUTHENTICATE P1.
inline constexpr uint8_t kLevelCMac = 0x01;
inline constexpr uint8_t kLevelCDec = 0x02;
inline constexpr uint8_t kLevelRMac = 0x10;
inline constexpr uint8_t kLevelREnc = 0x20;
inline constexpr uint8_t kLevelStandard = 0x13;  // C-MAC, C-DEC, R-MAC
inline constexpr uint8_t kLevelFull = 0x33;      // plus R-ENC

// Data sizes that still fit once wrapped. A command's data grows by 1..16 bytes of padding and
// the 8-byte C-MAC, so a chain meant to stay in short APDUs is cut into parts of at most
// kMaxShortCommandData plain bytes; anything above kMaxCommandData cannot be wrapped at all.
// Responses grow by the R-MAC and, at level 33, by the padding.
inline constexpr size_t kMaxShortCommandData = 239;  // 240 encrypted + 8 = 248 <= 255
inline constexpr size_t kMaxCommandData = 65519;     // 65520 encrypted + 8 = 65528 <= 65535
inline constexpr size_t kMaxResponseData = 65519;    // 65520 encrypted + 8 <= 65536

// A static key set: three 16-byte SM4 keys.
struct KeySet {
  SecretBytes enc, mac, dek;
  // Splits 48 bytes K-ENC || K-MAC || K-DEK. kInvalidArgument for any other length.
  static Result<KeySet> FromBytes(ByteView bytes);
  SecretBytes ToBytes() const;
  KeySet Clone() const;
};

// SP 800-108 counter-mode KDF with SM4-CMAC (docs/apdu.md): `out_bits` of output, a positive
// multiple of 8 and at most 255 blocks (the counter is one byte). kInvalidArgument otherwise or
// for a key that is not 16 bytes.
Result<SecretBytes> DeriveData(ByteView key, uint8_t constant, ByteView context, uint16_t out_bits);

// Card end. The card OS handles INITIALIZE UPDATE and EXTERNAL AUTHENTICATE through the first
// two calls. While the channel is open it passes every other command to Unwrap and, when Unwrap
// succeeds, the response to Wrap. A command with a plain CLA while the channel is open is a
// security failure (docs/apdu.md): Unwrap closes the channel and fails for it, so an OS that
// routes every command through Unwrap needs no second check; an OS that routes only secure
// messaging CLAs here must itself Close() and answer 6982 for the plain ones.
class CardChannel {
 public:
  CardChannel();
  ~CardChannel();
  CardChannel(CardChannel&&) noexcept;
  CardChannel& operator=(CardChannel&&) noexcept;

  // INITIALIZE UPDATE with `keys` (chosen by the caller from the KVN; `kvn` is the set's real
  // number, 01 or 30, echoed in the response). Returns the response data (key diversification
  // data (10) || KVN || 03 || 00 || card challenge || card cryptogram). Closes any open channel
  // first. kInvalidArgument (-> 6700) for a host challenge that is not 8 bytes or KDD that is
  // not 10; kInvalidArgument for keys that are not 16 bytes each.
  Result<Bytes> InitializeUpdate(const KeySet& keys, uint8_t kvn, ByteView kdd10, ByteView host_challenge,
                                 crypto::Rng& rng = crypto::SystemRng());
  // EXTERNAL AUTHENTICATE (the whole command APDU, CLA 84). On success the channel is open at the
  // requested level and the card answers a plain 9000. Any failure closes it: kPermissionDenied
  // (-> 6982: no INITIALIZE UPDATE before, wrong cryptogram or MAC, malformed command) or
  // kInvalidArgument for a level other than 13 or 33 (-> 6A86).
  Status ExternalAuthenticate(const apdu::CommandApdu& command);

  bool open() const { return level_ != 0; }
  uint8_t level() const { return level_; }
  // The KVN of the key set that opened the channel; 0 while closed.
  uint8_t kvn() const { return kvn_; }
  // Ends the session and wipes the keys (on card reset, power off, a new INITIALIZE UPDATE, or
  // any secure-messaging failure).
  void Close();

  // Checks the C-MAC and decrypts: returns the plain command (CLA without the SM bit, data
  // decrypted, Ne and the extended flag as received; the chaining bit stays for the OS's
  // CommandChainer). On failure the channel is closed and kPermissionDenied returned (-> 6982).
  Result<apdu::CommandApdu> Unwrap(const apdu::CommandApdu& wrapped);
  // Protects a response to the last unwrapped command: encryption at level 33, R-MAC. Error SWs
  // (64xx-6Fxx) go out as bare status words (any data dropped) and leave the channel open.
  // kFailedPrecondition without an unwrapped command to answer, kInvalidArgument for more than
  // kMaxResponseData (level 33) or 65528 (level 13) bytes; both close the channel, and the OS
  // then answers a bare error status (6F00).
  Result<apdu::ResponseApdu> Wrap(const apdu::ResponseApdu& plain);

 private:
  struct Session;
  std::unique_ptr<Session> session_;
  uint8_t level_ = 0;
  uint8_t kvn_ = 0;
};

// Host end.
class HostChannel {
 public:
  HostChannel();
  ~HostChannel();
  HostChannel(HostChannel&&) noexcept;
  HostChannel& operator=(HostChannel&&) noexcept;

  // Step 1: the INITIALIZE UPDATE command (80 50 KVN 00 08 challenge 00) with a fresh challenge.
  // Closes any open channel.
  Result<apdu::CommandApdu> BeginInitializeUpdate(uint8_t kvn, crypto::Rng& rng = crypto::SystemRng());
  // Step 2: checks the card's response (its cryptogram proves it holds the keys) and returns the
  // EXTERNAL AUTHENTICATE command for `level`. kVerifyFailed if the card cryptogram is wrong;
  // kMalformed for a response of the wrong shape, another SCP or another KVN than asked (unless
  // 00 was asked); kPermissionDenied when the card answered an error status; kInvalidArgument
  // for a level other than 13 or 33; kFailedPrecondition without step 1. Any failure closes.
  Result<apdu::CommandApdu> FinishInitializeUpdate(const KeySet& keys, const apdu::ResponseApdu& response,
                                                   uint8_t level = kLevelFull);
  // Step 3: the card's answer to EXTERNAL AUTHENTICATE; opens the channel on a plain 9000.
  // kPermissionDenied (and closed) for anything else; kFailedPrecondition without step 2.
  Status Confirm(const apdu::ResponseApdu& response);

  bool open() const { return level_ != 0; }
  uint8_t level() const { return level_; }
  void Close();

  // Encrypts and MACs a plain command (CLA 00/80, optionally with the chaining bit: each part of
  // a chain is wrapped on its own). Ne is carried unchanged (Le is not MACed, GP SCP03); the
  // wrapped command keeps the `extended` flag and goes extended by itself when it outgrows the
  // short form. kFailedPrecondition when closed, kInvalidArgument for another CLA or more than
  // kMaxCommandData bytes; any failure closes the channel.
  Result<apdu::CommandApdu> Wrap(const apdu::CommandApdu& plain);
  // Checks the R-MAC and decrypts the response to the last wrapped command. Error status words
  // (64xx-6Fxx) come back bare, without R-MAC, and are returned as they are with the channel left
  // open: the card's state moved on with the command all the same. kVerifyFailed (and the
  // channel closed) on a bad R-MAC, bad padding, or data on an error status;
  // kFailedPrecondition without a wrapped command outstanding.
  Result<apdu::ResponseApdu> Unwrap(const apdu::ResponseApdu& wrapped);

 private:
  struct Session;
  std::unique_ptr<Session> session_;
  uint8_t level_ = 0;
};

}  // namespace sedun::scp
