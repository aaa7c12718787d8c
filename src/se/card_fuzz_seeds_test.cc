// Writes the seed corpora of fuzz/card_image_fuzzer.cc and fuzz/card_dispatch_fuzzer.cc: set
// SEDUN_FUZZ_SEEDS_DIR (normally <repo>/fuzz/corpus) and run
// `sedun_se_test --gtest_filter=CardFuzzSeeds.*`. Skipped otherwise.
// The dispatch seeds follow that fuzzer's input format (flags, then mode || u16 length || APDU).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "base/file.h"
#include "se/card_test_host.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

using namespace sedun::se::testing;

struct Record {
  uint8_t mode;  // 01 wrap, 02 reset first
  apdu::CommandApdu command;
};

Bytes DispatchSeed(uint8_t flags, const std::vector<Record>& records) {
  ByteWriter w;
  w.PutU8(flags);
  for (const Record& r : records) {
    w.PutU8(r.mode);
    w.OpenPrefixed(2);
    w.PutBytes(r.command.Encode().value());
    EXPECT_TRUE(w.ClosePrefixed().ok());
  }
  return w.Finish().value();
}

void Write(const std::string& path, ByteView data) { ASSERT_TRUE(WriteFileAtomic(path, data).ok()) << path; }

TEST(CardFuzzSeeds, Generate) {
  const char* root = std::getenv("SEDUN_FUZZ_SEEDS_DIR");
  if (root == nullptr) GTEST_SKIP() << "SEDUN_FUZZ_SEEDS_DIR not set";
  auto dir = [&](const char* name) {
    std::string d = std::string(root) + "/" + name;
    std::filesystem::create_directories(d);
    return d + "/";
  };
  const std::string image_dir = dir("card_image"), dispatch_dir = dir("card_dispatch");

  // Images: factory, personalised and in use (with containers), and a bare body.
  TestCard t = NewTestCard();
  Write(image_dir + "factory", t.store->image().view());
  Personalise(t);
  Write(image_dir + "personalised", t.store->image().view());
  {
    TestHost host(*t.card);
    ASSERT_EQ(host.Select(), apdu::kSwOk);
    ASSERT_EQ(host.OpenChannel(t.client_keys.view(), scp::kKvnClient), apdu::kSwOk);
    ASSERT_EQ(host.Send(VerifyCmd(kUserPin)).sw, apdu::kSwOk);
    ASSERT_EQ(host.Send(Cmd(0x80, 0xE0, 0x00, 0x00, Tlv(0x81, "bank"))).sw, apdu::kSwOk);
    ASSERT_EQ(host.Send(Cmd(0x80, 0x46, 0x00, 0x00, Concat({Tlv(0x81, "bank"), Tlv(0x82, uint8_t{1})}), 256)).sw,
              apdu::kSwOk);
    ASSERT_EQ(host.Send(Cmd(0x80, 0xE0, 0x00, 0x00, Tlv(0x81, "empty"))).sw, apdu::kSwOk);
    ASSERT_EQ(host.Send(VerifyCmd(kWrongPin)).sw, apdu::SwTriesLeft(2));
  }
  Bytes in_use = ToBytes(t.store->image().view());
  Write(image_dir + "in_use_containers", in_use);
  Write(image_dir + "in_use_body", ByteView(in_use).subspan(15, in_use.size() - 15 - 32));

  // Dispatch: plain sessions, wrapped sessions with and without the PIN, the factory flow.
  const Bytes name = Tlv(0x81, "fuzz");
  const Bytes sign_slot = Concat({name, Tlv(0x82, uint8_t{1})});
  const Bytes enc_slot = Concat({name, Tlv(0x82, uint8_t{2})});
  Write(dispatch_dir + "plain_status",
        DispatchSeed(0x00, {{0, GetDataCmd()},
                            {0, Cmd(0x80, 0xCA, 0x00, 0x01, {}, 4)},
                            {0, Cmd(0x00, 0xC0, 0x00, 0x00, {}, 4)},
                            {0, Cmd(0x90, 0xCA, 0x00, 0x01, {0x01})},
                            {0, Cmd(0x80, 0xCA, 0x00, 0x01, {}, 256)},
                            {2, SelectCmd()},
                            {0, Cmd(0x00, 0xA4, 0x04, 0x00, {0xA0, 0x00, 0x00})}}));
  Write(dispatch_dir + "channel_pin",
        DispatchSeed(0x01, {{1, VerifyCmd("")},
                            {1, VerifyCmd(kWrongPin)},
                            {1, VerifyCmd(kUserPin)},
                            {1, Cmd(0x00, 0x24, 0x00, 0x01, Concat({Tlv(0x91, kUserPin), Tlv(0x92, "654321")}))},
                            {1, Cmd(0x00, 0x2C, 0x00, 0x01, Concat({Tlv(0x91, kAdminPin), Tlv(0x92, "111111")}))},
                            {1, VerifyCmd(kAdminPin, 0x02)},
                            {0, VerifyCmd(kUserPin)}}));
  Write(dispatch_dir + "channel_reads",
        DispatchSeed(0x03, {{1, Cmd(0x80, 0xE2, 0x00, 0x00, {}, 256)},
                            {1, Cmd(0x80, 0x48, 0x00, 0x00, sign_slot, 256)},
                            {1, Cmd(0x80, 0xD2, 0x00, 0x00, sign_slot, 16)},
                            {1, Cmd(0x00, 0xC0, 0x00, 0x00, {}, 256)},
                            {1, Cmd(0x80, 0xD4, 0x00, 0x00, Tlv(0x8A, Bytes{0x03}), 256)}}));
  Write(dispatch_dir + "pin_operations",
        DispatchSeed(0x05, {{1, Cmd(0x80, 0x2A, 0x00, 0x00, Concat({name, Tlv(0x84, "message")}), 256)},
                            {1, VerifyCmd(kUserPin)},
                            {1, Cmd(0x80, 0xE0, 0x00, 0x00, Tlv(0x81, "second"))},
                            {1, Cmd(0x80, 0x46, 0x00, 0x00, Concat({Tlv(0x81, "second"), Tlv(0x82, uint8_t{2})}), 256)},
                            {1, Cmd(0x80, 0x4A, 0x00, 0x00, Concat({sign_slot, Tlv(0x89, Bytes{0x30, 0x00})}), 256)},
                            {1, Cmd(0x80, 0xE4, 0x00, 0x00, Tlv(0x81, "second"))},
                            {1, Cmd(0x80, 0x30, 0x00, 0x00, Concat({name, Tlv(0x88, Bytes{0x30, 0x00})}), 256)},
                            {1, Cmd(0x80, 0xD6, 0x00, 0x00, enc_slot)}}));
  Write(dispatch_dir + "factory_personalisation",
        DispatchSeed(0x09, {{1, Cmd(0x80, 0xD8, 0x00, 0x30, Tlv(0x94, Bytes(48, 0x5A)))},
                            {1, Cmd(0x80, 0xDA, 0x00, 0x01, Tlv(0x86, TestPki::Get().root.ToDer()))},
                            {1, Cmd(0x80, 0xDA, 0x00, 0x02, Tlv(0x86, TestPki::Get().ServerChain()))},
                            {1, Cmd(0x80, 0xDA, 0x00, 0x11, Concat({Tlv(0x92, kUserPin), Tlv(0x93, uint8_t{3})}))},
                            {1, Cmd(0x80, 0xDA, 0x00, 0x12, Concat({Tlv(0x92, kAdminPin), Tlv(0x93, uint8_t{3})}))},
                            {1, Cmd(0x80, 0xDA, 0x00, 0xFF)}}));
  Write(dispatch_dir + "malformed",
        DispatchSeed(0x01, {{0, Cmd(0xFF, 0xCA, 0x00, 0x01)},
                            {0, Cmd(0x81, 0xCA, 0x00, 0x01, {}, 1)},
                            {0, Cmd(0x84, 0x2A, 0x00, 0x00, Bytes(16, 0))},
                            {0, Cmd(0x80, 0x50, 0x30, 0x00, Bytes(8, 1), 256)},
                            {0, Cmd(0x84, 0x82, 0x33, 0x00, Bytes(16, 2))}}));
}

}  // namespace
}  // namespace sedun::se
