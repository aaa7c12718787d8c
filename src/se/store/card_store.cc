// FileCardStore and MemoryCardStore.
#include "se/store/card_store.h"

#include <errno.h>
#include <sys/stat.h>

#include "base/file.h"
#include "se/store/card_image.h"

namespace sedun::se {

Result<SecretBytes> FileCardStore::Load() {
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
