// CardStore: one suite over both backends, and the failing commit that must leave the old image.
#include "se/store/card_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "base/file.h"
#include "crypto/rng.h"
#include "se/card.h"
#include "se/store/card_image.h"
#include "util/temp_dir.h"

namespace sedun::se {
namespace {

enum class Backend { kFile, kMemory };

class CardStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<CardStore> NewStore() {
    if (GetParam() == Backend::kFile) return std::make_unique<FileCardStore>(dir_.File("card.img"));
    return std::make_unique<MemoryCardStore>();
  }
  sedun::testing::TempDir dir_;
};

TEST_P(CardStoreTest, EmptyStoreIsNotFound) {
  auto store = NewStore();
  Result<SecretBytes> r = store->Load();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

TEST_P(CardStoreTest, CommitThenLoad) {
  auto store = NewStore();
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  ASSERT_TRUE(CommitCardState(*store, s).ok());
  Result<CardState> back = LoadCardState(*store);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->serial, s.serial);
  s.generation = 7;
  ASSERT_TRUE(CommitCardState(*store, s).ok());
  EXPECT_EQ(LoadCardState(*store)->generation, 7u);
}

TEST_P(CardStoreTest, CorruptImageDoesNotLoad) {
  auto store = NewStore();
  ASSERT_TRUE(store->Commit(AsBytes("SEDUNCARD but not really")).ok());
  Result<CardState> r = LoadCardState(*store);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(Backends, CardStoreTest, ::testing::Values(Backend::kFile, Backend::kMemory),
                         [](const auto& param_info) { return param_info.param == Backend::kFile ? "File" : "Memory"; });

TEST(FileCardStore, ImageIsPrivateToItsOwner) {
  sedun::testing::TempDir dir;
  FileCardStore store(dir.File("card.img"));
  ASSERT_TRUE(CommitCardState(store, NewFactoryState(crypto::SystemRng()).value()).ok());
  struct stat st;
  ASSERT_EQ(stat(store.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// The temporary file of WriteFileAtomic cannot be created (a directory sits at its name): the
// commit fails and the image on disk is the old one, byte for byte. This works as root too,
// where a read-only directory would not stop the write.
TEST(FileCardStore, FailedCommitLeavesTheOldImage) {
  sedun::testing::TempDir dir;
  FileCardStore store(dir.File("card.img"));
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  ASSERT_TRUE(CommitCardState(store, s).ok());
  Bytes before = ReadFile(store.path()).value();
  std::string tmp = store.path() + ".tmp." + std::to_string(getpid());
  ASSERT_EQ(mkdir(tmp.c_str(), 0700), 0);
  s.generation = 99;
  EXPECT_FALSE(CommitCardState(store, s).ok());
  EXPECT_EQ(ReadFile(store.path()).value(), before);
  EXPECT_EQ(LoadCardState(store)->generation, 0u);
  rmdir(tmp.c_str());
}

TEST(FileCardStore, ReadOnlyDirectoryFailsTheCommit) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  sedun::testing::TempDir dir;
  FileCardStore store(dir.File("card.img"));
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  ASSERT_TRUE(CommitCardState(store, s).ok());
  Bytes before = ReadFile(store.path()).value();
  ASSERT_EQ(chmod(dir.path().c_str(), 0500), 0);
  s.generation = 5;
  EXPECT_FALSE(CommitCardState(store, s).ok());
  ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);
  EXPECT_EQ(ReadFile(store.path()).value(), before);
}

TEST(MemoryCardStore, InjectedFailureKeepsTheOldImage) {
  MemoryCardStore store;
  CardState s = NewFactoryState(crypto::SystemRng()).value();
  ASSERT_TRUE(CommitCardState(store, s).ok());
  Bytes before = ToBytes(store.image().view());
  store.set_fail_commits(true);
  s.generation = 3;
  EXPECT_EQ(CommitCardState(store, s).code(), Code::kIo);
  EXPECT_EQ(ToBytes(store.image().view()), before);
  EXPECT_EQ(store.commits(), 1u);
}

TEST(Card, CreateRefusesToOverwriteAnImage) {
  sedun::testing::TempDir dir;
  const std::string path = dir.File("card.img");
  Result<CreatedCard> first = Card::Create(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->issuer_keys.size(), 48u);
  EXPECT_EQ(first->serial.size(), 8u);
  Bytes before = ReadFile(path).value();
  Result<CreatedCard> second = Card::Create(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(ReadFile(path).value(), before);
  Result<std::unique_ptr<Card>> card = Card::Open(std::make_unique<FileCardStore>(path));
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ((*card)->state().serial, first->serial);
  EXPECT_EQ(ToBytes((*card)->state().issuer_keys.view()), ToBytes(first->issuer_keys.view()));
}

TEST(Card, OpenRejectsMissingAndCorruptImages) {
  sedun::testing::TempDir dir;
  EXPECT_EQ(Card::Open(std::make_unique<FileCardStore>(dir.File("none"))).status().code(), Code::kNotFound);
  ASSERT_TRUE(WriteFileAtomic(dir.File("bad"), AsBytes("garbage")).ok());
  EXPECT_EQ(Card::Open(std::make_unique<FileCardStore>(dir.File("bad"))).status().code(), Code::kMalformed);
  EXPECT_FALSE(Card::Open(nullptr).ok());
}

}  // namespace
}  // namespace sedun::se
