// vpcd framing over a POSIX stream socket, and the reconnecting client.
#include "se/vpcd_link.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <span>

namespace sedun::se {
namespace {

constexpr int kPollMs = 200;

std::string Hex2(uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02X", b);
  return buf;
}

// Waits until `fd` is readable; false when `stop` was set first.
Result<bool> WaitReadable(int fd, const std::atomic<bool>& stop) {
  for (;;) {
    if (stop.load()) return false;
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, kPollMs);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("poll: ") + strerror(errno));
    }
    if (n > 0) return true;
  }
}

// Reads exactly out.size() bytes. *eof is set when the peer closed before the first byte.
Status ReadExact(int fd, std::span<uint8_t> out, const std::atomic<bool>& stop, bool* eof, bool* stopped) {
  size_t got = 0;
  *eof = false;
  *stopped = false;
  while (got < out.size()) {
    SEDUN_ASSIGN_OR_RETURN(bool readable, WaitReadable(fd, stop));
    if (!readable) {
      *stopped = true;
      return Status::Ok();
    }
    ssize_t n = recv(fd, out.data() + got, out.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return IoError(std::string("recv: ") + strerror(errno));
    }
    if (n == 0) {
      if (got == 0) {
        *eof = true;
        return Status::Ok();
      }
      return IoError("vpcd closed the connection inside a frame");
    }
    got += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WriteAll(int fd, ByteView data) {
  size_t off = 0;
  while (off < data.size()) {
    // MSG_NOSIGNAL: a peer that went away is an error to report, not a SIGPIPE to die of.
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("send: ") + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<int> Connect(const VpcdEndpoint& endpoint) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(endpoint.port);
  int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return IoError("cannot resolve " + endpoint.host + ": " + gai_strerror(rc));
  Status last = IoError("no address for " + endpoint.host);
  int fd = -1;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last = IoError(std::string("socket: ") + strerror(errno));
      continue;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    last = IoError("connect to " + endpoint.host + ":" + port + ": " + strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return last;
  int one = 1;
  // One small frame per exchange: Nagle's delay would add up to 40 ms to every APDU.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sleeps `ms` in slices so that `stop` is honoured promptly.
void SleepUnlessStopped(int ms, const std::atomic<bool>& stop) {
  while (ms > 0 && !stop.load()) {
    int slice = std::min(ms, 50);
    usleep(static_cast<useconds_t>(slice) * 1000);
    ms -= slice;
  }
}

}  // namespace

Result<VpcdEndpoint> ParseVpcdEndpoint(std::string_view text) {
  VpcdEndpoint ep;
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close_at = text.find(']');
    if (close_at == std::string_view::npos) return InvalidArgument("bad vpcd address: missing ]");
    host = text.substr(1, close_at - 1);
    std::string_view rest = text.substr(close_at + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return InvalidArgument("bad vpcd address: expected :port after ]");
      port = rest.substr(1);
    }
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("bad vpcd address: empty host");
  ep.host = std::string(host);
  if (!port.empty() || text.find(':') != std::string_view::npos) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return InvalidArgument("bad vpcd port: " + std::string(port));
    }
    ep.port = static_cast<uint16_t>(value);
  }
  return ep;
}

VpcdLink::VpcdLink(Card& card, LinkLogger log) : card_(card), log_(std::move(log)) {}

void VpcdLink::Log(LinkLogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

std::optional<Bytes> VpcdLink::HandleFrame(ByteView payload) {
  if (payload.size() == 1) {
    switch (payload[0]) {
      case kVpcdPowerOff:
        Log(LinkLogLevel::kDebug, "power off");
        card_.PowerOff();
        return std::nullopt;
      case kVpcdPowerOn:
        Log(LinkLogLevel::kDebug, "power on");
        card_.PowerOn();
        return std::nullopt;
      case kVpcdReset:
        Log(LinkLogLevel::kDebug, "reset");
        card_.Reset();
        return std::nullopt;
      case kVpcdGetAtr:
        return card_.Atr();
      default:
        Log(LinkLogLevel::kWarning, "unknown vpcd control code " + Hex2(payload[0]));
        return std::nullopt;
    }
  }
  if (payload.empty()) {
    Log(LinkLogLevel::kWarning, "empty frame from vpcd");
    return std::nullopt;
  }
  Bytes response = card_.Transmit(payload);
  // INS and SW only: the data of VERIFY, personalisation and the secure channel is secret.
  const std::string ins = payload.size() >= 2 ? Hex2(payload[1]) : "--";
  const std::string sw = response.size() >= 2 ? Hex2(response[response.size() - 2]) + Hex2(response.back()) : "----";
  Log(LinkLogLevel::kDebug, "apdu ins=" + ins + " sw=" + sw);
  return response;
}

Status VpcdLink::Serve(int fd, const std::atomic<bool>& stop) {
  for (;;) {
    uint8_t header[2];
    bool eof = false, stopped = false;
    SEDUN_RETURN_IF_ERROR(ReadExact(fd, header, stop, &eof, &stopped));
    if (eof || stopped) return Status::Ok();
    const size_t length = size_t{header[0]} << 8 | header[1];
    Bytes payload(length);
    SEDUN_RETURN_IF_ERROR(ReadExact(fd, payload, stop, &eof, &stopped));
    if (stopped) return Status::Ok();
    if (eof && length > 0) return IoError("vpcd closed the connection inside a frame");
    std::optional<Bytes> reply = HandleFrame(payload);
    if (!reply.has_value()) continue;
    // The frame length is 16 bits; a longer R-APDU (65536 data bytes + SW) cannot travel.
    if (reply->size() > 0xFFFF) {
      Log(LinkLogLevel::kWarning, "response too long for vpcd framing; answering 6F00");
      *reply = Bytes{0x6F, 0x00};
    }
    Bytes frame = {static_cast<uint8_t>(reply->size() >> 8), static_cast<uint8_t>(reply->size())};
    frame.insert(frame.end(), reply->begin(), reply->end());
    SEDUN_RETURN_IF_ERROR(WriteAll(fd, frame));
  }
}

void VpcdLink::RunClient(const VpcdEndpoint& endpoint, const std::atomic<bool>& stop, BackoffPolicy backoff) {
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
  int delay = backoff.initial_ms;
  bool reported = false;  // one warning per outage, not one per attempt
  while (!stop.load()) {
    Result<int> fd = Connect(endpoint);
    if (!fd.ok()) {
      Log(reported ? LinkLogLevel::kDebug : LinkLogLevel::kWarning,
          fd.status().message() + "; retrying (is pcscd with vpcd running?)");
      reported = true;
      SleepUnlessStopped(delay, stop);
      delay = std::min(delay * 2, backoff.max_ms);
      continue;
    }
    Log(LinkLogLevel::kInfo, "connected to vpcd at " + where);
    reported = false;
    delay = backoff.initial_ms;
    Status s = Serve(*fd, stop);
    close(*fd);
    card_.PowerOff();
    if (stop.load()) break;
    if (s.ok()) {
      Log(LinkLogLevel::kInfo, "vpcd closed the connection; reconnecting");
    } else {
      Log(LinkLogLevel::kWarning, s.message() + "; reconnecting");
    }
    SleepUnlessStopped(delay, stop);
  }
}

}  // namespace sedun::se
