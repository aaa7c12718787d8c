// ServerProcess: sedun-server as a child process (fork/exec, log file, readiness, signals).
#include "server/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <thread>

#include "base/file.h"
#include "server/testing/test_server.h"

extern char** environ;

namespace sedun::server::testing {
namespace {

using std::chrono::steady_clock;

bool FileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string ReadText(const std::string& path) {
  auto bytes = ReadFile(path, size_t{64} << 20);
  return bytes.ok() ? std::string(AsChars(*bytes)) : std::string();
}

// Forks and executes `argv` with `env` in `cwd`, standard output to `out_path` and standard
// error to `err_path` (appending). Everything the child needs is prepared before fork: between
// fork and exec only async-signal-safe calls are made.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& cwd, const std::string& out_path,
                    const std::string& err_path) {
  std::vector<char*> c_argv;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const std::string& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return IoError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // The server must not outlive a test that crashes or is killed by ctest's timeout.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);  // as a service manager would start it (the parent ignores it)
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || null_in < 0) ::_exit(127);
    if (::dup2(null_in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    // Sockets and pipes of other test threads must not stay open in the server.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
    {
      for (int fd = 3; fd < 4096; ++fd) ::close(fd);
    }
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  return pid;
}

// waitpid with a deadline; the exit code, minus the signal number when a signal ended it,
// nullopt when still running.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    if (r < 0 && errno != EINTR) return -SIGKILL;
    if (steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

std::string ServerBinary() { return SEDUN_SERVER; }

Result<int> FreeIpv6LoopbackPort() {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return Unavailable("no IPv6 sockets");
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return Unavailable("no IPv6 loopback (cannot bind [::1])");
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin6_port));
}

std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.substr(0, 6) == "SEDUN_") continue;
    out.emplace_back(entry);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

ServerRun RunServer(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& work_dir) {
  ServerRun run;
  const std::string suffix = UniqueSuffix();
  const std::string out_path = work_dir + "/run-" + suffix + ".out";
  const std::string err_path = work_dir + "/run-" + suffix + ".err";
  std::vector<std::string> argv = {ServerBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto pid = Spawn(argv, ChildEnvironment(env), work_dir, out_path, err_path);
  if (!pid.ok()) {
    run.err = pid.status().ToString();
    return run;
  }
  std::optional<int> code = WaitFor(*pid, std::chrono::seconds(120));
  if (!code) {
    ::kill(*pid, SIGKILL);
    WaitFor(*pid, std::chrono::seconds(10));
    run.err = "sedun-server did not finish within 120 s\n";
  } else {
    run.exit_code = *code;
  }
  run.out = ReadText(out_path);
  run.err += ReadText(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return run;
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(ServerProcessOptions options) {
  // A request to a server killed under it must fail as a call, not end the test program: the
  // TLS write to the dead peer would raise SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  if (options.data_dir.empty()) options.data_dir = options.work_dir + "/data";
  server->options_ = std::move(options);
  server->data_dir_ = server->options_.data_dir;
  server->log_file_ = server->options_.work_dir + "/server-" + UniqueSuffix() + ".log";
  // A port picked free may be taken by another test before the server binds it: try again
  // with new ports, a few times.
  Status last;
  for (int attempt = 0; attempt < 4; ++attempt) {
    SEDUN_RETURN_IF_ERROR(server->Launch());
    last = server->WaitReady();
    if (last.ok()) return server;
    if (server->running()) server->Kill();
    if (server->LogTail().find("in use") == std::string::npos) break;
  }
  return last.Annotate("sedun-server log " + server->log_file_ + ":\n" + server->LogTail());
}

ServerProcess::~ServerProcess() {
  if (running()) Kill();
}

Status ServerProcess::Launch() {
  std::map<std::string, std::string> env = options_.env;
  SEDUN_ASSIGN_OR_RETURN(int https_port, FreeLoopbackPort());
  SEDUN_ASSIGN_OR_RETURN(int public_port, FreeLoopbackPort());
  std::string listen = "127.0.0.1:" + std::to_string(https_port);
  std::string public_listen = "127.0.0.1:" + std::to_string(public_port);
  https_base_ = "https://127.0.0.1:" + std::to_string(https_port);
  public_base_ = "http://127.0.0.1:" + std::to_string(public_port);
  if (options_.ipv6) {
    SEDUN_ASSIGN_OR_RETURN(int https6, FreeIpv6LoopbackPort());
    SEDUN_ASSIGN_OR_RETURN(int public6, FreeIpv6LoopbackPort());
    listen += ",[::1]:" + std::to_string(https6);
    public_listen += ",[::1]:" + std::to_string(public6);
    https_base6_ = "https://[::1]:" + std::to_string(https6);
    public_base6_ = "http://[::1]:" + std::to_string(public6);
  }
  env["SEDUN_DATA_DIR"] = data_dir_;
  env["SEDUN_SERVER_LISTEN"] = listen;
  env["SEDUN_SERVER_PUBLIC_LISTEN"] = public_listen;
  if (options_.set_base_url && env.count("SEDUN_CA_PUBLIC_BASE_URL") == 0) {
    env["SEDUN_CA_PUBLIC_BASE_URL"] = public_base_;
  }
  tls_cert_ = env.count("SEDUN_SERVER_TLS_CERT") ? env["SEDUN_SERVER_TLS_CERT"]
                                                 : data_dir_ + "/tls/tls-cert.pem";
  token_.clear();
  if (auto it = env.find("SEDUN_OPERATOR_TOKEN"); it != env.end()) token_ = it->second;

  std::vector<std::string> argv = {ServerBinary()};
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());
  SEDUN_ASSIGN_OR_RETURN(pid_, Spawn(argv, ChildEnvironment(env), options_.work_dir, log_file_,
                                     log_file_));
  exit_code_ = -1;
  return Status::Ok();
}

Status ServerProcess::WaitReady() {
  const auto deadline = steady_clock::now() + options_.ready_timeout;
  while (steady_clock::now() < deadline) {
    if (std::optional<int> code = WaitFor(pid_, std::chrono::milliseconds(0))) {
      pid_ = -1;
      exit_code_ = *code;
      return Unavailable("sedun-server exited with " + std::to_string(*code) + " while starting");
    }
    if (FileExists(tls_cert_)) {
      if (!client_) {
        net::HttpClientOptions options;
        options.ca_file = tls_cert_;
        options.read_timeout = std::chrono::seconds(120);
        options.write_timeout = std::chrono::seconds(60);
        client_ = std::make_unique<net::HttpClient>(options);
      }
      auto ready = client_->Get(https_base_ + "/readyz");
      if (ready.ok() && ready->status == 200) {
        if (token_.empty()) {
          SEDUN_ASSIGN_OR_RETURN(Bytes token, ReadFile(data_dir_ + "/operator.token", 4096));
          token_ = std::string(AsChars(token));
          while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) {
            token_.pop_back();
          }
        }
        return Status::Ok();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Unavailable("sedun-server not ready in time");
}

int ServerProcess::Terminate(std::chrono::seconds timeout) {
  SendTerm();
  return Wait(timeout);
}

void ServerProcess::SendTerm() {
  if (running()) ::kill(pid_, SIGTERM);
}

int ServerProcess::Wait(std::chrono::seconds timeout) {
  if (!running()) return exit_code_;
  std::optional<int> code = WaitFor(pid_, timeout);
  if (!code) {
    Kill();
    return exit_code_;
  }
  pid_ = -1;
  exit_code_ = *code;
  return exit_code_;
}

void ServerProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  exit_code_ = WaitFor(pid_, std::chrono::seconds(30)).value_or(-SIGKILL);
  pid_ = -1;
}

Result<net::HttpResponse> ServerProcess::CallRaw(const std::string& method,
                                                 const std::string& path, std::string body,
                                                 const std::string& content_type,
                                                 bool as_operator) const {
  if (!client_) return FailedPrecondition("server not started");
  net::HeaderMap headers;
  if (as_operator) headers.emplace("Authorization", "Bearer " + token_);
  return client_->Send(method, https_base_ + path, std::move(body), content_type, headers);
}

Result<net::HttpResponse> ServerProcess::Call(const std::string& method, const std::string& path,
                                              const nlohmann::json* body,
                                              bool as_operator) const {
  return CallRaw(method, path, body ? body->dump() : std::string(),
                 body ? "application/json" : "", as_operator);
}

Result<net::HttpResponse> ServerProcess::CallPublic(const std::string& method,
                                                    const std::string& path, std::string body,
                                                    const std::string& content_type) const {
  net::HttpClient plain;
  return plain.Send(method, public_base_ + path, std::move(body), content_type);
}

std::string ServerProcess::LogTail(size_t max_bytes) const {
  std::string log = ReadText(log_file_);
  return log.size() > max_bytes ? "..." + log.substr(log.size() - max_bytes) : log;
}

}  // namespace sedun::server::testing
