// ServerProcess: the real sedun-server binary run as a child process for the process-level tests.
//
// The child gets this process's environment minus every SEDUN_* variable, plus the variables the
// test names (the configuration comes only from there and from an optional --config file), its
// own data directory, and free loopback ports picked just before it starts (a start that loses a
// port race is retried with new ports). Standard output and error go to a log file in the test's
// directory, shown when something fails. The child dies with this process (PR_SET_PDEATHSIG), so
// a crashed test leaves no server behind.
//
// Thread-safety: Start, Terminate and Kill from the thread that runs the test (the death signal
// is tied to the thread that forked); Call, CallPublic and the accessors from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "net/http_client.h"

namespace sedun::server::testing {

// The sedun-server binary under test (a compile definition of the test program).
std::string ServerBinary();

// A TCP port that was free a moment ago on ::1; kUnavailable when the machine has no IPv6
// loopback.
Result<int> FreeIpv6LoopbackPort();

// Environment for a child: ours without SEDUN_*, then `extra`.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra);

// A finished run of `sedun-server args...` (config show, ca init, ...).
struct ServerRun {
  int exit_code = -1;  // minus the signal number when a signal ended it
  std::string out;     // standard output
  std::string err;     // standard error
};
// Runs sedun-server to completion with `env` (see ChildEnvironment) in `work_dir`.
ServerRun RunServer(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& work_dir);

struct ServerProcessOptions {
  std::string work_dir;  // holds the log file; the data directory defaults to work_dir/data
  std::string data_dir;  // SEDUN_DATA_DIR
  std::map<std::string, std::string> env;  // further SEDUN_* variables
  std::vector<std::string> args;           // extra arguments before the (default) serve
  bool ipv6 = false;           // also listen on [::1] (HTTPS and plain)
  bool set_base_url = true;    // SEDUN_CA_PUBLIC_BASE_URL = this process's plain listener
  std::chrono::seconds ready_timeout{90};
};

class ServerProcess {
 public:
  // Starts the server and waits until GET /readyz over HTTPS answers 200.
  static Result<std::unique_ptr<ServerProcess>> Start(ServerProcessOptions options);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // SIGTERM, then waits up to `timeout`; the exit code, or minus the number of the signal that
  // ended it (still running after the timeout: it is SIGKILLed, -9).
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(60));
  // SIGTERM without waiting (the test watches the in-flight requests), then Wait.
  void SendTerm();
  int Wait(std::chrono::seconds timeout);
  // SIGKILL and reap.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // HTTPS call verifying the server's generated certificate; `as_operator` adds the token.
  Result<net::HttpResponse> Call(const std::string& method, const std::string& path,
                                 const nlohmann::json* body = nullptr,
                                 bool as_operator = false) const;
  Result<net::HttpResponse> CallRaw(const std::string& method, const std::string& path,
                                    std::string body, const std::string& content_type,
                                    bool as_operator) const;
  // Plain-HTTP call to the public listener (CRL, OCSP).
  Result<net::HttpResponse> CallPublic(const std::string& method, const std::string& path,
                                       std::string body = {},
                                       const std::string& content_type = {}) const;

  const std::string& data_dir() const { return data_dir_; }
  const std::string& https_base() const { return https_base_; }    // https://127.0.0.1:P
  const std::string& public_base() const { return public_base_; }  // http://127.0.0.1:P
  const std::string& https_base6() const { return https_base6_; }  // https://[::1]:P or ""
  const std::string& public_base6() const { return public_base6_; }
  const std::string& token() const { return token_; }
  const std::string& tls_cert_file() const { return tls_cert_; }
  const std::string& log_file() const { return log_file_; }
  // The last lines of the log, for failure messages.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  ServerProcess() = default;
  Status Launch();
  Status WaitReady();

  ServerProcessOptions options_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string data_dir_;
  std::string log_file_;
  std::string https_base_;
  std::string public_base_;
  std::string https_base6_;
  std::string public_base6_;
  std::string token_;
  std::string tls_cert_;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace sedun::server::testing
