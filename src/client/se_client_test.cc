// SeClient: every command's request bytes exactly as docs/apdu.md lays them out, its answer
// decoded, and its refusals mapped, against a scripted transport (no channel: plain APDUs).
#include "client/se_client.h"

#include <gtest/gtest.h>

#include "client/client_test_util.h"
#include "crypto/sm2_key.h"
#include "pki/csr.h"
#include "pki/name.h"

namespace sedun::client {
namespace {

using testing::Hex;
using testing::ScriptedTransport;

// "main" as container name: 81 04 6D 61 69 6E.
constexpr std::string_view kMain = "81 04 6D 61 69 6E";

SecretBytes Pin(std::string_view s) { return SecretBytes(AsBytes(s)); }

std::string Der(size_t n, uint8_t fill) { return HexEncode(Bytes(n, fill)); }

class SeClientTest : public ::testing::Test {
 protected:
  SeClientTest() : session_(t_), client_(session_) {}
  void TearDown() override { EXPECT_TRUE(t_.done()) << "script not played to the end"; }

  ScriptedTransport t_;
  ApduSession session_;
  SeClient client_;
};

TEST_F(SeClientTest, SelectDecodesTheFci) {
  t_.Expect("00 A4 04 00 07 F0 53 45 44 55 4E 01 00",
            "6F 1B 84 07 F0 53 45 44 55 4E 01 A5 10 95 01 02 96 08 01 02 03 04 05 06 07 08 97 01 05 90 00");
  auto info = client_.Select();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->lifecycle, Lifecycle::kPersonalised);
  EXPECT_EQ(HexEncode(info->serial), "0102030405060708");
  EXPECT_EQ(info->user_pin_tries, 5u);
  EXPECT_FALSE(info->admin_pin_tries.has_value());

  t_.Expect("00 A4 04 00 07 F0 53 45 44 55 4E 01 00", "6A 82");
  EXPECT_EQ(client_.Select().status().code(), Code::kNotFound);
}

TEST_F(SeClientTest, GetData) {
  t_.Expect("80 CA 00 01 00",
            "95 01 03 96 08 01 02 03 04 05 06 07 08 97 01 06 99 01 03 98 04 00 01 00 00 90 00");
  auto info = client_.GetData();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->lifecycle, Lifecycle::kInUse);
  EXPECT_EQ(info->user_pin_tries, 6u);
  EXPECT_EQ(info->admin_pin_tries, 3u);
  EXPECT_EQ(info->free_space, 65536u);
}

TEST_F(SeClientTest, Personalisation) {
  Bytes raw(48);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(i);
  auto keys = scp::KeySet::FromBytes(raw);
  ASSERT_TRUE(keys.ok());
  t_.Expect("80 D8 00 30 32 94 30" + HexEncode(raw), "90 00");
  EXPECT_TRUE(client_.PutKeySet(*keys).ok());

  t_.Expect("80 DA 00 01 07 86 05 30 03 02 01 01", "90 00");
  EXPECT_TRUE(client_.PutTrustAnchor(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).ok());
  t_.Expect("80 DA 00 02 07 86 05 30 03 02 01 02", "69 85");
  EXPECT_EQ(client_.PutServerCertificate(Bytes{0x30, 0x03, 0x02, 0x01, 0x02}).code(), Code::kFailedPrecondition);

  t_.Expect("80 DA 00 11 0B 92 06 31 32 33 34 35 36 93 01 03", "90 00");
  EXPECT_TRUE(client_.SetPin(PinRef::kUser, Pin("123456"), 3).ok());
  t_.Expect("80 DA 00 12 0D 92 08 61 64 6D 69 6E 50 49 4E 93 01 06", "90 00");
  EXPECT_TRUE(client_.SetPin(PinRef::kAdmin, Pin("adminPIN"), 6).ok());
  t_.Expect("80 DA 00 FF", "90 00");
  EXPECT_TRUE(client_.FinishPersonalisation().ok());

  // Refused before anything is sent.
  EXPECT_EQ(client_.SetPin(PinRef::kUser, Pin("123456"), 0).code(), Code::kInvalidArgument);
  EXPECT_EQ(client_.SetPin(PinRef::kUser, Pin("123456"), 7).code(), Code::kInvalidArgument);
  EXPECT_EQ(client_.SetPin(PinRef::kUser, Pin("12345"), 3).code(), Code::kInvalidArgument);
  EXPECT_EQ(client_.PutTrustAnchor({}).code(), Code::kInvalidArgument);
}

TEST_F(SeClientTest, VerifyPinReportsTriesLeftAsAnAnswer) {
  t_.Expect("00 20 00 01 08 91 06 31 32 33 34 35 36", "90 00");
  auto ok = client_.VerifyPin(PinRef::kUser, Pin("123456"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->verified);

  t_.Expect("00 20 00 01 08 91 06 36 35 34 33 32 31", "63 C2");
  auto wrong = client_.VerifyPin(PinRef::kUser, Pin("654321"));
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_FALSE(wrong->verified);
  EXPECT_EQ(wrong->tries_left, 2u);

  t_.Expect("00 20 00 02 08 91 06 36 35 34 33 32 31", "69 83");
  auto blocked = client_.VerifyPin(PinRef::kAdmin, Pin("654321"));
  EXPECT_EQ(blocked.status().code(), Code::kPermissionDenied);
  EXPECT_NE(blocked.status().message().find("PIN blocked"), std::string::npos);
  EXPECT_EQ(blocked.status().message().find("654321"), std::string::npos);

  t_.Expect("00 20 00 01 08 91 06 31 32 33 34 35 36", "69 82");
  EXPECT_EQ(client_.VerifyPin(PinRef::kUser, Pin("123456")).status().code(), Code::kPermissionDenied);

  t_.Expect("00 20 00 01", "63 C3");
  auto state = client_.PinStatus(PinRef::kUser);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->verified);
  EXPECT_EQ(state->tries_left, 3u);

  // PINs outside 6-16 bytes never reach the card (and never cost a try).
  EXPECT_EQ(client_.VerifyPin(PinRef::kUser, Pin("12345")).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(client_.VerifyPin(PinRef::kUser, Pin("12345678901234567")).status().code(), Code::kInvalidArgument);
}

TEST_F(SeClientTest, ChangeAndUnblock) {
  t_.Expect("00 24 00 01 10 91 06 31 32 33 34 35 36 92 06 36 35 34 33 32 31", "90 00");
  auto changed = client_.ChangePin(PinRef::kUser, Pin("123456"), Pin("654321"));
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->verified);

  t_.Expect("00 24 00 02 10 91 06 31 32 33 34 35 36 92 06 36 35 34 33 32 31", "63 C4");
  auto wrong = client_.ChangePin(PinRef::kAdmin, Pin("123456"), Pin("654321"));
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->verified);
  EXPECT_EQ(wrong->tries_left, 4u);

  t_.Expect("00 2C 00 01 12 91 08 61 64 6D 69 6E 50 49 4E 92 06 31 31 31 31 31 31", "90 00");
  auto unblocked = client_.UnblockPin(Pin("adminPIN"), Pin("111111"));
  ASSERT_TRUE(unblocked.ok());
  EXPECT_TRUE(unblocked->verified);
}

TEST_F(SeClientTest, Containers) {
  t_.Expect(std::string("80 E0 00 00 06") + std::string(kMain), "90 00");
  EXPECT_TRUE(client_.CreateContainer("main").ok());
  t_.Expect(std::string("80 E0 00 00 06") + std::string(kMain), "6A 89");
  EXPECT_EQ(client_.CreateContainer("main").code(), Code::kAlreadyExists);
  t_.Expect(std::string("80 E0 00 00 06") + std::string(kMain), "6A 84");
  EXPECT_EQ(client_.CreateContainer("main").code(), Code::kResourceExhausted);
  t_.Expect(std::string("80 E4 00 00 06") + std::string(kMain), "6A 88");
  EXPECT_EQ(client_.DeleteContainer("main").code(), Code::kNotFound);
  EXPECT_EQ(client_.CreateContainer("").code(), Code::kInvalidArgument);
  EXPECT_EQ(client_.CreateContainer(std::string(33, 'x')).code(), Code::kInvalidArgument);
}

TEST_F(SeClientTest, KeyPairsAndList) {
  auto key = crypto::Sm2PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string point = HexEncode(key->public_key().point());

  t_.Expect(std::string("80 46 00 00 09") + std::string(kMain) + "82 01 01 00", "87 41" + point + "90 00");
  auto generated = client_.GenerateKeyPair("main", KeySlot::kSign);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  EXPECT_EQ(*generated, key->public_key());

  t_.Expect(std::string("80 48 00 00 09") + std::string(kMain) + "82 01 02 00", "87 41" + point + "90 00");
  auto read = client_.ReadPublicKey("main", KeySlot::kEncrypt);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, key->public_key());

  // A point off the curve is refused.
  t_.Expect(std::string("80 48 00 00 09") + std::string(kMain) + "82 01 02 00", "87 41 04" + Der(64, 1) + "90 00");
  EXPECT_EQ(client_.ReadPublicKey("main", KeySlot::kEncrypt).status().code(), Code::kMalformed);

  // main: slot 1 with key and certificate, slot 2 with key only; "b": empty.
  const std::string entry_main = std::string(kMain) + "82 01 01 87 41" + point + "86 03 30 01 00" + "82 01 02 87 41" + point;
  const size_t main_len = 6 + 3 + 67 + 5 + 3 + 67;
  char len[8];
  std::snprintf(len, sizeof len, "%02zX", main_len);
  t_.Expect("80 E2 00 00 00", std::string("A0 81") + len + entry_main + "A0 03 81 01 62 90 00");
  auto list = client_.ListContainers();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "main");
  ASSERT_EQ((*list)[0].slots.size(), 2u);
  EXPECT_EQ((*list)[0].slots[0].slot, KeySlot::kSign);
  EXPECT_EQ(HexEncode(*(*list)[0].slots[0].certificate), "300100");
  EXPECT_EQ((*list)[0].slots[1].slot, KeySlot::kEncrypt);
  EXPECT_FALSE((*list)[0].slots[1].certificate.has_value());
  EXPECT_EQ((*list)[1].name, "b");
  EXPECT_TRUE((*list)[1].slots.empty());
}

TEST_F(SeClientTest, CertificationRequestIsCheckedOnTheHost) {
  auto key = crypto::Sm2PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  pki::DistinguishedName dn = {{"C", "CN"}, {"CN", "user 1"}};
  auto subject = pki::NameToDer(dn);
  ASSERT_TRUE(subject.ok());
  auto csr = pki::CreateCsr(dn, *key);
  ASSERT_TRUE(csr.ok());
  const Bytes& der = csr->ToDer();
  ASSERT_LT(der.size(), 256u);

  const std::string request = std::string(kMain) + "82 01 01 89" + HexEncode(Bytes{static_cast<uint8_t>(subject->size())}) +
                              HexEncode(*subject);
  const std::string lc = HexEncode(Bytes{static_cast<uint8_t>(9 + 2 + subject->size())});
  t_.Expect("80 4A 00 00" + lc + request + "00", HexEncode(der) + "90 00");
  auto got = client_.CertificationRequest("main", KeySlot::kSign, *subject);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->ToDer(), der);

  Bytes tampered = der;
  tampered[tampered.size() - 3] ^= 1;  // inside the signature
  t_.Expect("80 4A 00 00" + lc + request + "00", HexEncode(tampered) + "90 00");
  EXPECT_FALSE(client_.CertificationRequest("main", KeySlot::kSign, *subject).ok());

  t_.Expect("80 4A 00 00" + lc + request + "00", "69 82");
  EXPECT_EQ(client_.CertificationRequest("main", KeySlot::kSign, *subject).status().code(), Code::kPermissionDenied);
}

TEST_F(SeClientTest, Certificates) {
  t_.Expect(std::string("80 D0 00 00 0E") + std::string(kMain) + "82 01 01 86 03 30 01 00", "90 00");
  EXPECT_TRUE(client_.ImportCertificate("main", KeySlot::kSign, Bytes{0x30, 0x01, 0x00}).ok());
  t_.Expect(std::string("80 D0 00 00 0E") + std::string(kMain) + "82 01 01 86 03 30 01 00", "6A 88");
  EXPECT_EQ(client_.ImportCertificate("main", KeySlot::kSign, Bytes{0x30, 0x01, 0x00}).code(), Code::kNotFound);

  t_.Expect(std::string("80 D2 00 00 09") + std::string(kMain) + "82 01 02 00", "86 03 30 01 00 90 00");
  auto exported = client_.ExportCertificate("main", KeySlot::kEncrypt);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(HexEncode(*exported), "300100");

  t_.Expect("80 D4 00 00 04 8A 02 01 02 00", std::string(kMain) + "82 01 01 86 03 30 01 00 90 00");
  auto by_serial = client_.ReadCertificateBySerial(Bytes{0x01, 0x02});
  ASSERT_TRUE(by_serial.ok()) << by_serial.status().ToString();
  EXPECT_EQ(by_serial->container, "main");
  EXPECT_EQ(by_serial->slot, KeySlot::kSign);
  EXPECT_EQ(HexEncode(by_serial->certificate), "300100");

  t_.Expect("80 D4 00 00 0A 8B 08 00 00 00 00 65 00 00 00 00", "86 03 30 01 00 82 01 02" + std::string(kMain) + "90 00");
  auto by_time = client_.ReadCertificateByTime(std::chrono::sys_seconds(std::chrono::seconds(0x65000000)));
  ASSERT_TRUE(by_time.ok()) << by_time.status().ToString();
  EXPECT_EQ(by_time->slot, KeySlot::kEncrypt);

  t_.Expect("80 D4 00 00 0E 8A 02 01 02 8B 08 00 00 00 00 65 00 00 00 00", std::string(kMain) + "82 01 01 86 03 30 01 00 90 00");
  EXPECT_TRUE(client_.ReadCertificate(Bytes{0x01, 0x02}, std::chrono::sys_seconds(std::chrono::seconds(0x65000000))).ok());
  EXPECT_EQ(client_.ReadCertificate({}, std::nullopt).status().code(), Code::kInvalidArgument);

  t_.Expect("80 D4 00 00 04 8A 02 01 02 00", "6A 88");
  EXPECT_EQ(client_.ReadCertificateBySerial(Bytes{0x01, 0x02}).status().code(), Code::kNotFound);

  t_.Expect(std::string("80 D6 00 00 09") + std::string(kMain) + "82 01 02", "90 00");
  EXPECT_TRUE(client_.DeleteCertificate("main", KeySlot::kEncrypt).ok());
}

TEST_F(SeClientTest, SignAndVerify) {
  t_.Expect(std::string("80 2A 00 00 0B") + std::string(kMain) + "84 03 61 62 63 00", "85 03 30 01 00 90 00");
  auto sig = client_.Sign("main", AsBytes("abc"));
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(HexEncode(*sig), "300100");

  t_.Expect(std::string("80 2A 00 00 10") + std::string(kMain) + "84 03 61 62 63 83 03 41 4C 49 00", "69 82");
  EXPECT_EQ(client_.Sign("main", AsBytes("abc"), AsBytes("ALI")).status().code(), Code::kPermissionDenied);

  t_.Expect("80 2C 00 00 0F 86 03 30 01 00 84 03 61 62 63 85 03 30 01 01", "90 00");
  EXPECT_TRUE(client_.VerifySignature(Bytes{0x30, 0x01, 0x00}, AsBytes("abc"), Bytes{0x30, 0x01, 0x01}).ok());
  t_.Expect("80 2C 00 00 0F 86 03 30 01 00 84 03 61 62 63 85 03 30 01 01", "63 00");
  EXPECT_EQ(client_.VerifySignature(Bytes{0x30, 0x01, 0x00}, AsBytes("abc"), Bytes{0x30, 0x01, 0x01}).code(),
            Code::kVerifyFailed);
  t_.Expect(std::string("80 2C 00 00 13") + std::string(kMain) + "84 03 61 62 63 85 03 30 01 01 83 01 49", "90 00");
  EXPECT_TRUE(client_.VerifySignatureWithContainer("main", AsBytes("abc"), Bytes{0x30, 0x01, 0x01}, AsBytes("I")).ok());

  t_.Expect(std::string("80 34 00 00 10") + std::string(kMain) + "84 03 61 62 63 8D 03 30 01 02 00", "69 88");
  auto refused = client_.SignWithServerCheck("main", AsBytes("abc"), Bytes{0x30, 0x01, 0x02});
  EXPECT_EQ(refused.status().code(), Code::kVerifyFailed);
  t_.Expect(std::string("80 34 00 00 10") + std::string(kMain) + "84 03 61 62 63 8D 03 30 01 02 00", "85 03 30 01 03 90 00");
  auto signed_ = client_.SignWithServerCheck("main", AsBytes("abc"), Bytes{0x30, 0x01, 0x02});
  ASSERT_TRUE(signed_.ok());
  EXPECT_EQ(HexEncode(*signed_), "300103");
}

// A message too long for one APDU goes as a chain; the TLV length uses the 82 form.
TEST_F(SeClientTest, LongMessageIsChained) {
  const Bytes msg(300, 0x6D);
  const std::string data = Hex(std::string(kMain) + "84 82 01 2C") + HexEncode(msg);  // 310 bytes
  t_.Expect("90 2A 00 00 FF" + data.substr(0, 510), "90 00");
  t_.Expect("80 2A 00 00 37" + data.substr(510) + "00", "85 03 30 01 00 90 00");
  auto sig = client_.Sign("main", msg);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
}

TEST_F(SeClientTest, EncryptDecryptEnvelope) {
  const Bytes plain(200, 0x70);
  t_.Expect("80 2E 00 00 D0 86 03 30 01 00 84 81 C8" + HexEncode(plain) + "00", "88 03 30 01 04 90 00");
  auto ct = client_.Encrypt(Bytes{0x30, 0x01, 0x00}, plain);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  EXPECT_EQ(HexEncode(*ct), "300104");

  t_.Expect(std::string("80 30 00 00 0B") + std::string(kMain) + "88 03 30 01 04 00", "84 02 68 69 90 00");
  auto pt = client_.Decrypt("main", Bytes{0x30, 0x01, 0x04});
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(HexEncode(pt->view()), "6869");

  t_.Expect(std::string("80 32 00 00 0B") + std::string(kMain) + "8C 03 53 44 45 00", "84 02 68 69 90 00");
  auto opened = client_.OpenEnvelope("main", Bytes{0x53, 0x44, 0x45});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(HexEncode(opened->view()), "6869");

  t_.Expect(std::string("80 32 00 00 0B") + std::string(kMain) + "8C 03 53 44 45 00", "6A 80");
  EXPECT_EQ(client_.OpenEnvelope("main", Bytes{0x53, 0x44, 0x45}).status().code(), Code::kInvalidArgument);
}

TEST_F(SeClientTest, StrictAnswers) {
  // Unknown, repeated, missing objects and trailing bytes are refused.
  t_.Expect(std::string("80 2A 00 00 0B") + std::string(kMain) + "84 03 61 62 63 00", "85 01 00 85 01 00 90 00");
  EXPECT_EQ(client_.Sign("main", AsBytes("abc")).status().code(), Code::kMalformed);
  t_.Expect(std::string("80 2A 00 00 0B") + std::string(kMain) + "84 03 61 62 63 00", "85 01 00 99 01 00 90 00");
  EXPECT_EQ(client_.Sign("main", AsBytes("abc")).status().code(), Code::kMalformed);
  t_.Expect(std::string("80 2A 00 00 0B") + std::string(kMain) + "84 03 61 62 63 00", "85 02 00 90 00");
  EXPECT_EQ(client_.Sign("main", AsBytes("abc")).status().code(), Code::kMalformed);
  t_.Expect(std::string("80 2A 00 00 0B") + std::string(kMain) + "84 03 61 62 63 00", "90 00");
  EXPECT_EQ(client_.Sign("main", AsBytes("abc")).status().code(), Code::kMalformed);
  // Data where none is expected.
  t_.Expect(std::string("80 E0 00 00 06") + std::string(kMain), "01 90 00");
  EXPECT_EQ(client_.CreateContainer("main").code(), Code::kMalformed);

  t_.Expect("80 CA 00 01 00", "95 01 07 96 08 01 02 03 04 05 06 07 08 97 01 06 99 01 03 98 04 00 01 00 00 90 00");
  EXPECT_EQ(client_.GetData().status().code(), Code::kMalformed);  // lifecycle 07
  t_.Expect("80 CA 00 01 00", "95 01 03 96 07 01 02 03 04 05 06 07 97 01 06 99 01 03 98 04 00 01 00 00 90 00");
  EXPECT_EQ(client_.GetData().status().code(), Code::kMalformed);  // serial of 7 bytes
  t_.Expect("80 CA 00 01 00", "95 01 03 96 08 01 02 03 04 05 06 07 08 97 01 06 99 01 03 90 00");
  EXPECT_EQ(client_.GetData().status().code(), Code::kMalformed);  // no free space
  t_.Expect("00 A4 04 00 07 F0 53 45 44 55 4E 01 00",
            "6F 1B 84 07 F0 53 45 44 55 4E 02 A5 10 95 01 02 96 08 01 02 03 04 05 06 07 08 97 01 05 90 00");
  EXPECT_EQ(client_.Select().status().code(), Code::kMalformed);  // another AID
  t_.Expect("80 E2 00 00 00", "A0 05 82 01 01 81 00 90 00");
  EXPECT_EQ(client_.ListContainers().status().code(), Code::kMalformed);  // slot before name
  t_.Expect("80 E2 00 00 00", "A0 06 81 01 61 82 01 01 90 00");
  EXPECT_EQ(client_.ListContainers().status().code(), Code::kMalformed);  // slot without key
}

}  // namespace
}  // namespace sedun::client
