// Status and Result<T>: the one error type of sedun.
//
// Every fallible function returns [[nodiscard]] Status or Result<T>. A Status carries a closed
// code and a short message meant for logs and users; messages never contain secrets (keys, PINs,
// plaintext). Boundaries map codes in exactly one place: status words in the card applet, HTTP
// codes in net/, process exit codes in apps/, sedun_status in the C ABI. No exceptions cross
// module boundaries. Thread-safety: values, no shared state.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sedun {

// Closed set of failure kinds. Add a code only when some boundary must map it differently.
enum class Code {
  kOk = 0,
  kInvalidArgument,     // caller passed a value outside the contract (length, range, option)
  kMalformed,           // input bytes do not parse (DER, PEM, TLV, APDU, hex, JSON)
  kVerifyFailed,        // a signature, MAC, tag or certificate check failed
  kNotFound,            // a named object does not exist
  kAlreadyExists,       // a unique name or serial is already taken
  kPermissionDenied,    // security state does not allow the operation
  kFailedPrecondition,  // object is in the wrong state for the operation
  kResourceExhausted,   // a size limit or capacity was reached
  kUnsupported,         // valid but not implemented (algorithm, mode, option)
  kCrypto,              // the crypto library failed for a reason other than verification
  kIo,                  // file or network I/O failed
  kAborted,             // a concurrent change won (transaction conflict, busy database): retry
  kUnavailable,         // a required service (database, peer) cannot be reached now
  kInternal,            // a bug: an invariant did not hold
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "code: message", for logs and CLI errors.
  std::string ToString() const;

  // Prefixes context ("loading key.pem: ...") while keeping the code.
  Status Annotate(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status Malformed(std::string m) { return {Code::kMalformed, std::move(m)}; }
inline Status VerifyFailed(std::string m) { return {Code::kVerifyFailed, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
inline Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
inline Status CryptoError(std::string m) { return {Code::kCrypto, std::move(m)}; }
inline Status IoError(std::string m) { return {Code::kIo, std::move(m)}; }
inline Status Aborted(std::string m) { return {Code::kAborted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like absl::StatusOr
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
    if (std::get<Status>(v_).ok()) v_ = Status(Code::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sedun

#define SEDUN_CONCAT_INNER(a, b) a##b
#define SEDUN_CONCAT(a, b) SEDUN_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define SEDUN_RETURN_IF_ERROR(expr)                 \
  do {                                              \
    ::sedun::Status sedun_status_ = (expr);         \
    if (!sedun_status_.ok()) return sedun_status_;  \
  } while (0)

// `SEDUN_ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a Result or returns its Status.
#define SEDUN_ASSIGN_OR_RETURN(lhs, expr) \
  SEDUN_ASSIGN_OR_RETURN_IMPL(SEDUN_CONCAT(sedun_result_, __LINE__), lhs, expr)
#define SEDUN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
