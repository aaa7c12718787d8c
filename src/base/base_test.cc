// Tests of the base layer: Status/Result, hex, ByteReader/ByteWriter, SecretBytes, files.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/file.h"
#include "base/secret.h"
#include "base/status.h"
#include "util/temp_dir.h"

namespace sedun {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  SEDUN_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Status, CodesAndMessages) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Malformed("bad tag");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kMalformed);
  EXPECT_EQ(s.ToString(), "malformed input: bad tag");
  EXPECT_EQ(s.Annotate("cert.pem").ToString(), "malformed input: cert.pem: bad tag");
  EXPECT_EQ(Status::Ok().Annotate("x").ToString(), "ok");
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Quarter(5).status().message(), "odd");
}

TEST(Hex, RoundTripAndErrors) {
  Bytes b = {0x00, 0xa4, 0xff};
  EXPECT_EQ(HexEncode(b), "00a4ff");
  EXPECT_EQ(*HexDecode("00A4ff"), b);
  EXPECT_EQ(*HexDecode("00 A4:ff"), b);
  EXPECT_EQ(HexDecode("0").status().code(), Code::kMalformed);
  EXPECT_EQ(HexDecode("0g").status().code(), Code::kMalformed);
  EXPECT_EQ(HexDecode("0 0").status().code(), Code::kMalformed);
  EXPECT_TRUE(HexDecode("").ok());
}

TEST(ByteReader, ReadsBigEndianAndChecksBounds) {
  Bytes in = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  ByteReader r(in);
  uint8_t a;
  uint16_t b;
  uint32_t c;
  ASSERT_TRUE(r.ReadU8(&a));
  ASSERT_TRUE(r.ReadU16(&b));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0x0203);
  uint64_t d;
  EXPECT_FALSE(r.ReadU64(&d));
  EXPECT_EQ(r.remaining(), 4u);  // failed read leaves the cursor alone
  ASSERT_TRUE(r.ReadU32(&c));
  EXPECT_EQ(c, 0x04050607u);
  EXPECT_TRUE(r.ExpectEnd("test").ok());
  EXPECT_FALSE(r.ReadU8(&a));
}

TEST(ByteReader, PrefixedFieldsRollBackOnShortInput) {
  Bytes in = {0x00, 0x05, 0xaa, 0xbb};
  ByteReader r(in);
  ByteView v;
  EXPECT_FALSE(r.ReadU16Prefixed(&v));
  EXPECT_EQ(r.remaining(), 4u);
  Bytes ok = {0x02, 0xaa, 0xbb, 0xcc};
  ByteReader r2(ok);
  ASSERT_TRUE(r2.ReadU8Prefixed(&v));
  EXPECT_EQ(HexEncode(v), "aabb");
  EXPECT_EQ(r2.ExpectEnd("field").code(), Code::kMalformed);
}

TEST(ByteWriter, NestedPrefixesRoundTrip) {
  ByteWriter w;
  w.PutU8(0x7f);
  w.OpenPrefixed(2);
  w.PutBytes(AsBytes("ab"));
  w.OpenPrefixed(1);
  w.PutU32(0xdeadbeef);
  ASSERT_TRUE(w.ClosePrefixed().ok());
  ASSERT_TRUE(w.ClosePrefixed().ok());
  auto out = w.Finish();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HexEncode(*out), "7f0007616204deadbeef");

  ByteReader r(*out);
  uint8_t tag;
  ByteView outer, inner;
  ASSERT_TRUE(r.ReadU8(&tag));
  ASSERT_TRUE(r.ReadU16Prefixed(&outer));
  ByteReader ro(outer);
  ASSERT_TRUE(ro.Skip(2));
  ASSERT_TRUE(ro.ReadU8Prefixed(&inner));
  EXPECT_EQ(HexEncode(inner), "deadbeef");
}

TEST(ByteWriter, RejectsOverflowAndOpenFields) {
  ByteWriter w;
  w.OpenPrefixed(1);
  w.PutBytes(Bytes(256, 0));
  EXPECT_EQ(w.ClosePrefixed().code(), Code::kResourceExhausted);
  ByteWriter w2;
  w2.OpenPrefixed(2);
  EXPECT_FALSE(w2.Finish().ok());
  ByteWriter w3;
  EXPECT_FALSE(w3.ClosePrefixed().ok());
}

TEST(SecretBytes, MovesAndWipes) {
  SecretBytes s(AsBytes("secret"));
  s.Append(AsBytes("-more-than-capacity"));
  EXPECT_EQ(AsChars(s.view()), "secret-more-than-capacity");
  SecretBytes t = std::move(s);
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  EXPECT_EQ(t.size(), 25u);
  t.Resize(6);
  EXPECT_EQ(AsChars(t.view()), "secret");
  SecretBytes c = t.Clone();
  t.Wipe();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(AsChars(c.view()), "secret");
}

TEST(File, AtomicWriteAndBoundedRead) {
  testing::TempDir dir;
  std::string p = dir.File("f.bin");
  ASSERT_TRUE(WriteFileAtomic(p, AsBytes("hello"), 0600).ok());
  struct stat st;
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(AsChars(*ReadFile(p)), "hello");
  EXPECT_EQ(ReadFile(p, 4).status().code(), Code::kResourceExhausted);
  EXPECT_EQ(ReadFile(dir.File("missing")).status().code(), Code::kIo);
  EXPECT_EQ(ReadFile(dir.path()).status().code(), Code::kIo);
  EXPECT_EQ(WriteFileAtomic(dir.File("no/such/dir"), AsBytes("x")).code(), Code::kIo);
}

}  // namespace
}  // namespace sedun
