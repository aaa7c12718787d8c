// HttpServer: listeners, binding (IPv4/IPv6), TLS contexts, start and graceful stop.
// Thread-safety: see http_server.h. Each listener's accept loop runs on its own thread; its
// handlers run on that listener's worker pool.
#include "net/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "net/listen_socket.h"
#include "net/server_core.h"
#include "net/tls_context.h"

namespace sedun::net {

struct HttpServer::Listener {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == text.npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgument("listen address '" + std::string(text) + "': expected [ipv6]:port");
    }
    out.host = std::string(text.substr(1, close - 1));
    out.ipv6 = true;
    port_text = text.substr(close + 2);
    if (out.host.find(':') == std::string::npos) {
      return InvalidArgument("listen address '" + std::string(text) + "': not an IPv6 address");
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon == text.npos || text.find(':') != colon) {
      return InvalidArgument("listen address '" + std::string(text) +
                             "': expected host:port (IPv6 in brackets)");
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (out.host.empty()) return InvalidArgument("listen address '" + std::string(text) + "': empty host");
  if (port_text.empty() || port_text.size() > 5) {
    return InvalidArgument("listen address '" + std::string(text) + "': bad port");
  }
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return InvalidArgument("listen address '" + std::string(text) + "': bad port");
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return InvalidArgument("listen address '" + std::string(text) + "': port out of range");
  out.port = port;
  return out;
}


HttpServer::HttpServer(HttpServerConfig config)
    : core_(std::make_shared<ServerCore>(std::move(config))) {}

HttpServer::~HttpServer() { Stop(); }

Router& HttpServer::router() { return core_->router(); }
MetricsRegistry& HttpServer::metrics() { return core_->metrics(); }
void HttpServer::AddReadinessCheck(std::string name, ReadinessCheck check) {
  core_->AddReadinessCheck(std::move(name), std::move(check));
}
bool HttpServer::running() const { return running_; }
const std::vector<BoundListener>& HttpServer::bound() const { return bound_; }
int HttpServer::port(size_t i) const { return i < bound_.size() ? bound_[i].port : 0; }

Status HttpServer::Start() {
  if (running_) return FailedPrecondition("server already started");
  const HttpServerConfig& cfg = core_->config();
  if (cfg.listeners.empty()) return InvalidArgument("server: no listen addresses");
  if (cfg.worker_threads == 0) return InvalidArgument("server: worker_threads must be at least 1");
  std::vector<ListenAddress> addresses;
  bool any_tls = false;
  for (const ListenerConfig& lc : cfg.listeners) {
    SEDUN_ASSIGN_OR_RETURN(ListenAddress a, ParseListenAddress(lc.address));
    addresses.push_back(std::move(a));
    any_tls = any_tls || lc.tls;
  }
  if (any_tls) SEDUN_RETURN_IF_ERROR(CheckTlsFiles(cfg.tls));

  bound_.clear();
  Status status;
  for (size_t i = 0; i < addresses.size() && status.ok(); ++i) {
    status = StartListener(cfg.listeners[i], addresses[i]);
  }
  running_ = true;  // so that Stop() tears down whatever did start
  if (!status.ok()) {
    Stop();
    bound_.clear();
    return status;
  }
  for (const BoundListener& b : bound_) {
    spdlog::info("net: listening on {} ({})", HostPort({b.host, b.port, b.ipv6}, b.port),
                 b.tls ? "https" : "http");
  }
  return Status::Ok();
}

Status HttpServer::StartListener(const ListenerConfig& lc, const ListenAddress& address) {
  const HttpServerConfig& cfg = core_->config();
  auto listener = std::make_shared<Listener>();
  if (lc.tls) {
    Status tls_status;
    TlsConfig tls = cfg.tls;
    auto server = std::make_unique<httplib::SSLServer>([&tls, &tls_status](SSL_CTX& ctx) {
      tls_status = ConfigureServerTlsContext(&ctx, tls);
      return tls_status.ok();
    });
    if (!server->is_valid()) {
      return tls_status.ok() ? CryptoError("TLS: cannot create the server context") : tls_status;
    }
    listener->server = std::move(server);
  } else {
    listener->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& svr = *listener->server;
  size_t threads = cfg.worker_threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_read_timeout(cfg.read_timeout);
  svr.set_write_timeout(cfg.write_timeout);
  svr.set_keep_alive_timeout(static_cast<time_t>(cfg.idle_timeout.count()));
  // The hard cap of the transport; per-route limits are the Router's.
  svr.set_payload_max_length(core_->router().MaxBodyBytesOfAnyRoute());

  std::shared_ptr<ServerCore> core = core_;
  bool tls = lc.tls;
  auto handler = [core, tls](const httplib::Request& req, httplib::Response& res) {
    core->Handle(req, res, tls);
  };
  const std::string all = ".*";
  svr.Get(all, handler);
  svr.Post(all, handler);
  svr.Put(all, handler);
  svr.Patch(all, handler);
  svr.Delete(all, handler);
  svr.Options(all, handler);
  httplib::Server::HandlerWithResponse on_error = [core](const httplib::Request& req,
                                                         httplib::Response& res) {
    return core->HandleTransportError(req, res);
  };
  svr.set_error_handler(std::move(on_error));
  svr.set_exception_handler([core](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
  });

  // sedun binds the real socket (see listen_socket.h); httplib binds a loopback placeholder whose
  // descriptor is then replaced by it.
  SEDUN_ASSIGN_OR_RETURN(ListenSocket socket, BindListenSocket(address));
  int port = socket.port;
  int placeholder = -1;
  svr.set_socket_options([&placeholder](int fd) { placeholder = fd; });
  svr.set_address_family(AF_INET);
  if (svr.bind_to_any_port("127.0.0.1") <= 0 || placeholder < 0) {
    close(socket.fd);
    return IoError("cannot listen on " + HostPort(address, port) + ": placeholder bind failed");
  }
  SEDUN_RETURN_IF_ERROR(AdoptListenSocket(socket, placeholder));

  listener->thread = std::thread([listener] {
    listener->server->listen_after_bind();
    std::lock_guard<std::mutex> lock(listener->mu);
    listener->done = true;
    listener->cv.notify_all();
  });
  listeners_.push_back(listener);
  // httplib's stop() does nothing until the accept loop runs: wait for it, so that an early
  // Stop() cannot miss it.
  for (int i = 0; i < 5000 && !svr.is_running(); ++i) {
    std::unique_lock<std::mutex> lock(listener->mu);
    if (listener->done) break;
    listener->cv.wait_for(lock, std::chrono::milliseconds(1));
  }
  if (!svr.is_running()) return Internal("listener on " + HostPort(address, port) + " did not start");
  bound_.push_back({address.host, port, lc.tls, address.ipv6});
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!running_) return;
  running_ = false;
  StopListeners(core_->config().shutdown_grace);
}

void HttpServer::StopListeners(std::chrono::milliseconds grace) {
  // Two phases: the TLS listeners first, then the plain ones. A request in flight on the API may
  // still need this process's plain listener (svs asking the co-hosted CA's OCSP responder), so
  // that listener stays open until the API requests have drained. In each phase, closing the
  // listening sockets refuses new connections at once; the accept loops then drain their worker
  // pools, which finish the requests in flight.
  auto deadline = std::chrono::steady_clock::now() + grace;
  size_t abandoned = 0;
  for (bool tls_phase : {true, false}) {
    std::vector<std::shared_ptr<Listener>> phase;
    for (size_t i = 0; i < listeners_.size(); ++i) {
      const bool tls = i < bound_.size() && bound_[i].tls;
      if (tls == tls_phase) phase.push_back(listeners_[i]);
    }
    for (auto& l : phase) l->server->stop();
    for (auto& l : phase) {
      bool done = false;
      {
        std::unique_lock<std::mutex> lock(l->mu);
        done = l->cv.wait_until(lock, deadline, [&] { return l->done; });
      }
      if (done) {
        l->thread.join();
      } else {
        // The thread owns a reference to its listener and the shared core, so it may finish
        // later without touching freed memory.
        l->thread.detach();
        ++abandoned;
      }
    }
  }
  if (abandoned > 0) {
    spdlog::warn("net: shutdown grace of {} ms expired; {} listener(s) still finishing requests",
                 grace.count(), abandoned);
  }
  listeners_.clear();
}

}  // namespace sedun::net
