// FileCardStore and MemoryCardStore.
#include "se/store/card_store.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "base/file.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

// A commit killed between creating its temporary file and renaming it over the image leaves
// "<image>.tmp.<pid>" behind (base/file.cc WriteFileAtomic). The file never becomes the image,
// but every such crash adds one, each a copy of the card's keys. Those whose writer is gone are
// removed; a writer that still runs keeps its file, since removing it would fail that commit.
// Should a live writer be taken for a dead one (another PID namespace), its rename finds nothing
// and its commit fails with the image untouched. Best effort: a leftover that cannot be removed
// costs disk space, not correctness.
void RemoveLeftoverTemporaries(const std::string& image_path) {
  const size_t slash = image_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : image_path.substr(0, slash);
  const std::string prefix = image_path.substr(slash == std::string::npos ? 0 : slash + 1) + ".tmp.";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* entry = readdir(d)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(prefix)) continue;
    const std::string_view digits = name.substr(prefix.size());
    // pid_t is at most 2^22 on Linux; nine digits keep the arithmetic in range anywhere.
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    pid_t pid = 0;
    for (char c : digits) pid = pid * 10 + (c - '0');
    // ESRCH is the only proof that the writer is gone; EPERM means it runs under another user.
    if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH) continue;
    unlinkat(dirfd(d), entry->d_name, 0);
  }
  closedir(d);
}

}  // namespace

Result<SecretBytes> FileCardStore::Load() {
  RemoveLeftoverTemporaries(path_);
  struct stat st;
  if (stat(path_.c_str(), &st) != 0 && errno == ENOENT) return NotFound("no card image at " + path_);
  // One byte over the limit is enough to tell an oversized file from a full-sized one.
  Result<Bytes> data = ReadFile(path_, kMaxCardImageSize + 1);
  if (!data.ok()) return data.status();
  SecretBytes image(*data);
  SecureWipe(data->data(), data->size());
  return image;
}

Status FileCardStore::Commit(ByteView image) { return WriteFileAtomic(path_, image, 0600); }

Result<SecretBytes> MemoryCardStore::Load() {
  if (image_.empty()) return NotFound("no card image in memory");
  return image_.Clone();
}

Status MemoryCardStore::Commit(ByteView image) {
  if (fail_commits_) return IoError("memory card store: commit failure injected");
  image_ = SecretBytes(image);
  ++commits_;
  return Status::Ok();
}

Result<CardState> LoadCardState(CardStore& store) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes image, store.Load());
  Result<CardState> state = DecodeCardImage(image.view());
  if (!state.ok()) return state.status().Annotate(store.Name());
  return state;
}

Status CommitCardState(CardStore& store, const CardState& state) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes image, EncodeCardImage(state));
  return store.Commit(image.view());
}

}  // namespace sedun::se
