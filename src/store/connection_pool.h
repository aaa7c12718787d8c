// Internal to store/: the bounded connection pool both engines use.
//
// At most `size` connections exist; they are opened on demand (outside the lock, since opening
// may take a network round trip) and kept idle for reuse. Acquire() waits up to `wait_ms` for a
// free slot, then fails with kUnavailable: an overloaded server answers 503 instead of queueing
// without bound. A connection handed back as nullptr (closed because it broke) frees its slot.
// Thread-safety: all members are safe from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"

namespace sedun::store::internal {

template <typename Conn>  // a movable handle that can be null, e.g. std::unique_ptr
class ConnectionPool {
 public:
  using Opener = std::function<Result<Conn>()>;

  ConnectionPool(std::string engine, int size, int wait_ms, Opener open)
      : engine_(std::move(engine)), size_(size), wait_ms_(wait_ms), open_fn_(std::move(open)) {}

  // An idle connection, or a new one while fewer than `size` exist. `*fresh` tells which.
  Result<Conn> Acquire(bool* fresh = nullptr) {
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms_);
    while (idle_.empty() && open_ >= size_) {
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= size_) {
        return Unavailable(engine_ + ": all " + std::to_string(size_) +
                           " database connections stayed busy for " + std::to_string(wait_ms_) +
                           " ms");
      }
    }
    if (!idle_.empty()) {
      Conn c = std::move(idle_.back());
      idle_.pop_back();
      if (fresh != nullptr) *fresh = false;
      return c;
    }
    ++open_;
    lock.unlock();
    if (fresh != nullptr) *fresh = true;
    Result<Conn> c = open_fn_();
    if (!c.ok()) Release(Conn());
    return c;
  }

  // Hands a connection back; a null one gives its slot back.
  void Release(Conn c) {
    {
      std::lock_guard lock(mu_);
      if (c != nullptr) {
        idle_.push_back(std::move(c));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
  }

  // Adds a connection opened outside Acquire (the one OpenDatabase checks the settings with).
  void AddIdle(Conn c) {
    {
      std::lock_guard lock(mu_);
      ++open_;
      idle_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

 private:
  const std::string engine_;
  const int size_;
  const int wait_ms_;
  const Opener open_fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn> idle_;
  int open_ = 0;  // idle plus handed out
};

}  // namespace sedun::store::internal
