// Listening sockets bound by sedun (see listen_socket.h). Thread-safety: no shared state.
#include "net/listen_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sedun::net {
namespace {

Status SysError(const ListenAddress& a, const char* what, int err) {
  return IoError("cannot listen on " + HostPort(a, a.port) + ": " + what + ": " + std::strerror(err));
}

}  // namespace

std::string HostPort(const ListenAddress& a, int port) {
  return a.ipv6 ? "[" + a.host + "]:" + std::to_string(port) : a.host + ":" + std::to_string(port);
}

Result<ListenSocket> BindListenSocket(const ListenAddress& a) {
  addrinfo hints{};
  hints.ai_family = a.ipv6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  std::string port = std::to_string(a.port);
  int gai = getaddrinfo(a.host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0 || res == nullptr) {
    if (res != nullptr) freeaddrinfo(res);
    return IoError("cannot listen on " + HostPort(a, a.port) + ": " + gai_strerror(gai));
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    freeaddrinfo(res);
    return SysError(a, "socket", err);
  }
  int yes = 1;
  // SO_REUSEADDR: a restarted server need not wait for old connections in TIME_WAIT.
  Status status;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) != 0) {
    status = SysError(a, "SO_REUSEADDR", errno);
  } else if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes)) != 0) {
    // TCP_NODELAY (inherited by accepted sockets on Linux): a response written in pieces (headers,
    // then body) must not wait for the client's delayed ACK, which costs up to 40 ms a request.
    status = SysError(a, "TCP_NODELAY", errno);
  } else if (a.ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes)) != 0) {
    status = SysError(a, "IPV6_V6ONLY", errno);
  } else if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
    status = SysError(a, "bind", errno);
  } else if (listen(fd, SOMAXCONN) != 0) {
    status = SysError(a, "listen", errno);
  }
  freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  if (status.ok() && getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    status = SysError(a, "getsockname", errno);
  }
  if (!status.ok()) {
    close(fd);
    return status;
  }
  ListenSocket out;
  out.fd = fd;
  out.port = bound.ss_family == AF_INET6
                 ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
                 : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  return out;
}

Status AdoptListenSocket(ListenSocket socket, int placeholder_fd) {
  if (socket.fd < 0 || placeholder_fd < 0) return Internal("listen socket: bad descriptor");
  // dup3 closes the placeholder and reuses its number atomically; O_CLOEXEC as for the original.
  if (dup3(socket.fd, placeholder_fd, O_CLOEXEC) < 0) {
    int err = errno;
    close(socket.fd);
    return IoError(std::string("listen socket: dup3: ") + std::strerror(err));
  }
  close(socket.fd);
  return Status::Ok();
}

}  // namespace sedun::net
