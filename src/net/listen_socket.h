// Internal to net/: the listening sockets of HttpServer, bound by sedun rather than by httplib.
//
// cpp-httplib 0.11 forces IPV6_V6ONLY=0 on IPv6 listening sockets after its socket-options hook
// runs, so "[::]:p" would also take IPv4 port p and "0.0.0.0:p" could not be bound beside it
// (clients reach the service over IPv6 and IPv4, T/HBPFS 001-2023 5.1.1 s). Its default
// options also set SO_REUSEPORT, which would let a second server share a port that is taken. So sedun binds the socket itself (SO_REUSEADDR only,
// IPV6_V6ONLY=1 on IPv6) and then puts it in place of the placeholder socket httplib bound, with
// dup3 on the same descriptor number; httplib's accept loop then serves sedun's socket.
// Thread-safety: no shared state.
#pragma once

#include <string>

#include "base/status.h"
#include "net/http_server.h"

namespace sedun::net {

struct ListenSocket {
  int fd = -1;
  int port = 0;  // the port actually bound (resolves port 0)
};

// Binds and listens; kIo naming the address and the system error on failure.
Result<ListenSocket> BindListenSocket(const ListenAddress& address);

// Replaces the descriptor `placeholder_fd` with `socket` (which is closed under its old number).
Status AdoptListenSocket(ListenSocket socket, int placeholder_fd);

// "[::1]:8443" or "127.0.0.1:8443".
std::string HostPort(const ListenAddress& address, int port);

}  // namespace sedun::net
