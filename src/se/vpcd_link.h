// The link between a Card and vsmartcard's vpcd driver inside pcscd (reference standards.md §11),
// which makes the card appear as a reader with a card in it to every PC/SC program.
//
// Protocol (both directions): 2-byte big-endian length, then that many bytes. From vpcd, a
// 1-byte frame is a control code: 00 power off, 01 power on, 02 reset (no reply to these), 04
// get ATR (answered with the ATR); any longer frame is a command APDU, answered with one
// response APDU. vpcd listens (default 127.0.0.1:35963) and the card connects to it; when
// pcscd restarts or vpcd drops the connection (it does after a zero-length or failed reply),
// RunVpcdClient connects again with a capped exponential backoff.
//
// Logs never carry APDU data (PINs, keys, plaintext travel in it): an exchange is logged by its
// INS and status word only.
// Thread-safety: a VpcdLink drives one Card from one thread; `stop` may be set from any thread
// or a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "se/card.h"

namespace sedun::se {

inline constexpr uint16_t kVpcdDefaultPort = 35963;  // 0x8C7B, VPCDPORT
inline constexpr uint8_t kVpcdPowerOff = 0x00;
inline constexpr uint8_t kVpcdPowerOn = 0x01;
inline constexpr uint8_t kVpcdReset = 0x02;
inline constexpr uint8_t kVpcdGetAtr = 0x04;

enum class LinkLogLevel { kDebug, kInfo, kWarning, kError };
using LinkLogger = std::function<void(LinkLogLevel level, const std::string& message)>;

struct VpcdEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = kVpcdDefaultPort;
};
// "host:port", "[v6addr]:port" or "host" (default port). InvalidArgument otherwise.
Result<VpcdEndpoint> ParseVpcdEndpoint(std::string_view text);

struct BackoffPolicy {
  int initial_ms = 100;
  int max_ms = 5000;
};

class VpcdLink {
 public:
  explicit VpcdLink(Card& card, LinkLogger log = {});

  // One frame from vpcd -> the frame to send back, or nullopt when none is due.
  std::optional<Bytes> HandleFrame(ByteView payload);

  // Serves a connected stream socket until the peer closes it (OK), an I/O or framing error
  // (IoError), or `stop` becomes true (OK; checked at least every 200 ms).
  Status Serve(int fd, const std::atomic<bool>& stop);

  // Connects to vpcd and serves it, reconnecting after every failure or disconnection, until
  // `stop`. The card is powered off whenever the connection is lost (the card left the reader).
  void RunClient(const VpcdEndpoint& endpoint, const std::atomic<bool>& stop, BackoffPolicy backoff = {});

 private:
  void Log(LinkLogLevel level, const std::string& message) const;

  Card& card_;
  LinkLogger log_;
};

}  // namespace sedun::se
