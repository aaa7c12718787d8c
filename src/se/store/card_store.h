// CardStore: where the card keeps its image, with all-or-nothing replacement. It stands for the
// card's EEPROM and its transaction mechanism: after a crash at any instant, Load returns either
// the image before the last Commit or the image after it, never a mix (DESIGN.md invariants).
//
// FileCardStore keeps the image in one file and commits with write-fsync-rename
// (base/file.h WriteFileAtomic: write a temporary file, fsync it, rename it over the image,
// fsync the directory) rather than a journal: the image is small (tens of KiB), rename(2)
// replaces a directory entry atomically on POSIX file systems, and the whole image is rewritten
// on every commit anyway, so a journal would add recovery code (replay, torn-record detection,
// compaction) without making anything safer or, at this size, noticeably faster.
// MemoryCardStore keeps the image in RAM, for in-process cards, tests and fuzzing; it can be told
// to fail commits so that tests can prove that a storage failure changes nothing.
//
// The card image format (se/store/card_image.h) is separate from the store: stores move opaque
// bytes, LoadCardState/CommitCardState translate.
// Thread-safety: a store serves one card, on the card's command thread.
#pragma once

#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "se/card_state.h"

namespace sedun::se {

class CardStore {
 public:
  virtual ~CardStore() = default;

  // The current image. NotFound when there is none; IoError for anything else.
  virtual Result<SecretBytes> Load() = 0;
  // Replaces the image atomically and durably: when this returns OK the new image survives a
  // crash; when it fails (or the process dies inside it) Load still returns the old image.
  virtual Status Commit(ByteView image) = 0;
  // For logs and error messages: the path, or "memory".
  virtual std::string Name() const = 0;
};

class FileCardStore final : public CardStore {
 public:
  explicit FileCardStore(std::string path) : path_(std::move(path)) {}

  // Also removes "<image>.tmp.<pid>" files left by commits whose process died (see card_store.cc).
  Result<SecretBytes> Load() override;
  // WriteFileAtomic with mode 0600: the image holds the card's keys.
  Status Commit(ByteView image) override;
  std::string Name() const override { return path_; }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class MemoryCardStore final : public CardStore {
 public:
  MemoryCardStore() = default;
  explicit MemoryCardStore(ByteView image) : image_(image) {}

  Result<SecretBytes> Load() override;
  Status Commit(ByteView image) override;
  std::string Name() const override { return "memory"; }

  // While set, Commit fails with IoError and keeps the old image (fault injection).
  void set_fail_commits(bool fail) { fail_commits_ = fail; }
  // Commits that succeeded so far.
  size_t commits() const { return commits_; }
  const SecretBytes& image() const { return image_; }

 private:
  SecretBytes image_;
  bool fail_commits_ = false;
  size_t commits_ = 0;
};

// Load + DecodeCardImage.
Result<CardState> LoadCardState(CardStore& store);
// EncodeCardImage + Commit.
Status CommitCardState(CardStore& store, const CardState& state);

}  // namespace sedun::se
