// Whole-file reads and crash-safe whole-file writes.
//
// WriteFileAtomic writes a temporary file in the same directory, fsyncs it, renames it over the
// target and fsyncs the directory, so that after a crash the target holds either the old or the
// new content, never a mix. ReadFile refuses files larger than `max_size` so that a hostile input
// cannot exhaust memory. Thread-safety: no shared state; concurrent writers of one path race at
// the rename, and the last rename wins.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace sedun {

inline constexpr size_t kDefaultMaxFileSize = size_t{64} << 20;  // 64 MiB

Result<Bytes> ReadFile(const std::string& path, size_t max_size = kDefaultMaxFileSize);
// Reads standard input up to `max_size` bytes.
Result<Bytes> ReadStdin(size_t max_size = kDefaultMaxFileSize);

// Feeds a file (or standard input for "-") to `sink` in chunks, for inputs of any size.
Status StreamFile(const std::string& path, const std::function<Status(ByteView)>& sink);

// mode is the permission of the new file (0600 for anything secret).
Status WriteFileAtomic(const std::string& path, ByteView data, unsigned mode = 0644);

}  // namespace sedun
