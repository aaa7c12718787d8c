// Tests of EXPORT CERTIFICATE, READ CERTIFICATE and DELETE CERTIFICATE.
#include <gtest/gtest.h>

#include "base/byte_writer.h"
#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::At;
using test::kDay;
using test::kNow;
using test::Name;
using test::ResponseField;
using test::Slot;
using test::Tlvs;

Bytes Time(int64_t t) {
  ByteWriter w;
  w.PutU64(static_cast<uint64_t>(t));
  return w.bytes();
}

class CertificateCommandsTest : public AppletTest {
 protected:
  Bytes Request(const std::string& name, KeySlotId slot) {
    return Tlvs({{tag::kContainerName, Name(name)}, {tag::kKeySlot, Slot(slot)}});
  }
};

TEST_F(CertificateCommandsTest, ExportsACopyOfTheCertificate) {
  pki::Certificate cert = Enrol("bank", KeySlotId::kSign);
  auto r = Ok(&ExportCertificate, Request("bank", KeySlotId::kSign));
  EXPECT_EQ(ResponseField(r, tag::kCertificate), cert.ToDer());
  EXPECT_EQ(state_.FindContainer("bank")->sign->certificate, cert.ToDer());  // still there

  MakeKey("bank", KeySlotId::kEncrypt);
  ExpectError(&ExportCertificate, Request("bank", KeySlotId::kEncrypt), 0x6A88);  // key, no certificate
  MakeContainer("empty");
  ExpectError(&ExportCertificate, Request("empty", KeySlotId::kSign), 0x6A88);
  ExpectError(&ExportCertificate, Request("nobody", KeySlotId::kSign), 0x6A88);
  ExpectError(&ExportCertificate, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80);
}

TEST_F(CertificateCommandsTest, ReadsByTheSerialNumber) {
  Enrol("a", KeySlotId::kSign, {0x10, 0x01});
  pki::Certificate b_enc = Enrol("b", KeySlotId::kEncrypt, {0x20, 0x02});
  auto r = Ok(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x20, 0x02}}}));
  EXPECT_EQ(ResponseField(r, tag::kContainerName), Name("b"));
  EXPECT_EQ(ResponseField(r, tag::kKeySlot), Slot(KeySlotId::kEncrypt));
  EXPECT_EQ(ResponseField(r, tag::kCertificate), b_enc.ToDer());
  // Leading zero octets do not change the number.
  auto padded = Ok(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x00, 0x20, 0x02}}}));
  EXPECT_EQ(padded.data, r.data);

  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x20, 0x03}}}), 0x6A88);
  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, {}}}), 0x6A80);
  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, Bytes(21, 0x01)}}), 0x6A80);
}

TEST_F(CertificateCommandsTest, ReadsByATimeTheCertificateIsValidAt) {
  // a: kNow - 30 days .. kNow + 30 days (LeafSpec); b: a later validity.
  Enrol("a", KeySlotId::kSign, {0x10, 0x01});
  MakeContainer("b");
  MakeKey("b", KeySlotId::kSign);
  pki::CertificateSpec later = test::LeafSpec("b", {0x30, 0x03}, KeySlotId::kSign);
  later.not_before = At(kNow - kDay);
  later.not_after = At(kNow + 300 * kDay);
  pki::Certificate b = pki_.Issue(later, *crypto::Sm2PublicKey::FromUncompressed(state_.FindContainer("b")->sign->public_key));
  ASSERT_EQ(Import("b", KeySlotId::kSign, pki_.Chain(b)).sw, 0x9000);

  auto now = Ok(&ReadCertificate, Tlvs({{tag::kTime, Time(kNow)}}));
  EXPECT_EQ(ResponseField(now, tag::kContainerName), Name("a"));  // first match, in container order
  auto later_read = Ok(&ReadCertificate, Tlvs({{tag::kTime, Time(kNow + 100 * kDay)}}));
  EXPECT_EQ(ResponseField(later_read, tag::kContainerName), Name("b"));
  EXPECT_EQ(ResponseField(later_read, tag::kCertificate), b.ToDer());
  ExpectError(&ReadCertificate, Tlvs({{tag::kTime, Time(kNow + 400 * kDay)}}), 0x6A88);
  ExpectError(&ReadCertificate, Tlvs({{tag::kTime, Time(kNow - 31 * kDay)}}), 0x6A88);

  // Both criteria: the certificate must meet both.
  auto both = Ok(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x30, 0x03}}, {tag::kTime, Time(kNow)}}));
  EXPECT_EQ(ResponseField(both, tag::kContainerName), Name("b"));
  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x10, 0x01}}, {tag::kTime, Time(kNow + 100 * kDay)}}),
              0x6A88);
}

TEST_F(CertificateCommandsTest, ReadNeedsACriterion) {
  Enrol("a", KeySlotId::kSign);
  // JR/T 5.4.3 g: no enumeration through the interface.
  ExpectError(&ReadCertificate, {}, 0x6A80);
  ExpectError(&ReadCertificate, Tlvs({{tag::kTime, {0x01}}}), 0x6A80);
  ExpectError(&ReadCertificate, Tlvs({{tag::kContainerName, Name("a")}}), 0x6A80);
  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x10, 0x01}}, {tag::kSerialNumber, {0x10, 0x01}}}),
              0x6A80);
}

TEST_F(CertificateCommandsTest, DeleteDestroysCertificateAndKeyPair) {
  Enrol("bank", KeySlotId::kSign);
  Enrol("bank", KeySlotId::kEncrypt, {0x10, 0x02});
  const uint32_t used = state_.UsedBytes();
  Ok(&DeleteCertificate, Request("bank", KeySlotId::kSign));
  const Container& c = *state_.FindContainer("bank");
  EXPECT_FALSE(c.sign.has_value());  // JR/T 5.4.2 e: the private key goes with the certificate
  EXPECT_TRUE(c.encrypt.has_value());
  EXPECT_LT(state_.UsedBytes(), used);  // JR/T 5.4.3 e: the space is freed
  ExpectError(&ReadCertificate, Tlvs({{tag::kSerialNumber, {0x10, 0x01}}}), 0x6A88);

  ExpectError(&DeleteCertificate, Request("bank", KeySlotId::kSign), 0x6A88);
  ExpectError(&DeleteCertificate, Request("nobody", KeySlotId::kEncrypt), 0x6A88);
  ExpectError(&DeleteCertificate, Tlvs({{tag::kKeySlot, Slot(KeySlotId::kEncrypt)}}), 0x6A80);
  EXPECT_EQ(Run(&DeleteCertificate, Request("bank", KeySlotId::kEncrypt), 0x00, 0x01).sw, 0x6A86);
  EXPECT_TRUE(state_.FindContainer("bank")->encrypt.has_value());

  // A key pair without a certificate goes the same way.
  MakeKey("bank", KeySlotId::kSign);
  Ok(&DeleteCertificate, Request("bank", KeySlotId::kSign));
  EXPECT_FALSE(state_.FindContainer("bank")->sign.has_value());
}

}  // namespace
}  // namespace sedun::se::applet
