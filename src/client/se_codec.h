// The data objects of the security service application (docs/apdu.md "Data objects") and the
// decoders for its answers. Internal to src/client; separate so that tests can feed the decoders
// hostile bytes directly.
//
// Answers are decoded strictly: each expected object exactly once, no unknown or repeated tags,
// lengths as specified, nothing after the last object. A card that answers otherwise is refused
// with kMalformed naming the command, rather than half-understood.
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "apdu/tlv.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "client/se_client.h"

namespace sedun::client::codec {

namespace tag {
inline constexpr apdu::Tag kContainerName = 0x81;
inline constexpr apdu::Tag kKeySlot = 0x82;
inline constexpr apdu::Tag kUserId = 0x83;
inline constexpr apdu::Tag kData = 0x84;
inline constexpr apdu::Tag kSignature = 0x85;
inline constexpr apdu::Tag kCertificate = 0x86;
inline constexpr apdu::Tag kPublicKey = 0x87;
inline constexpr apdu::Tag kCiphertext = 0x88;
inline constexpr apdu::Tag kSubject = 0x89;
inline constexpr apdu::Tag kSerialNumber = 0x8A;
inline constexpr apdu::Tag kTime = 0x8B;
inline constexpr apdu::Tag kEnvelope = 0x8C;
inline constexpr apdu::Tag kServerSignature = 0x8D;
inline constexpr apdu::Tag kPin = 0x91;
inline constexpr apdu::Tag kNewPin = 0x92;
inline constexpr apdu::Tag kRetryLimit = 0x93;
inline constexpr apdu::Tag kKeySet = 0x94;
inline constexpr apdu::Tag kLifecycle = 0x95;
inline constexpr apdu::Tag kCardSerial = 0x96;
inline constexpr apdu::Tag kTriesLeft = 0x97;
inline constexpr apdu::Tag kFreeSpace = 0x98;
inline constexpr apdu::Tag kAdminTriesLeft = 0x99;
inline constexpr apdu::Tag kContainerEntry = 0xA0;
// SELECT's FCI template (ISO 7816-4): 6F { 84 DF name, A5 proprietary }.
inline constexpr apdu::Tag kFci = 0x6F;
inline constexpr apdu::Tag kDfName = 0x84;
inline constexpr apdu::Tag kFciProprietary = 0xA5;
}  // namespace tag

// Input checks made before anything is sent, so that a bad argument never costs a PIN try.
Status CheckPin(const SecretBytes& pin, std::string_view what);
Status CheckContainerName(std::string_view name);
Status CheckUserId(ByteView user_id);

// Request data holding secrets (PINs, key sets, plaintext): primitive objects with one-byte tags
// and minimal BER lengths, written straight into one wiping buffer (a TlvWriter would leave
// copies behind as its buffers grow).
Result<SecretBytes> EncodeSecretObjects(std::initializer_list<std::pair<apdu::Tag, ByteView>> objects);

// Starts a request with 81 container name and, when given, 82 key slot: the prefix most commands
// share. InvalidArgument for a name of bad length.
Status StartContainerRequest(apdu::TlvWriter& w, std::string_view name, std::optional<KeySlot> slot = {});
// The whole request when that prefix is all there is.
Result<Bytes> ContainerRequest(std::string_view name, std::optional<KeySlot> slot = {});

// The top-level objects of `data`, each of a tag in `allowed` and none twice.
Result<std::vector<apdu::Tlv>> ParseObjects(ByteView data, std::initializer_list<apdu::Tag> allowed,
                                            std::string_view command);
// The value of the one object `data` consists of, which must carry `tag`.
Result<ByteView> OnlyObject(ByteView data, apdu::Tag tag, std::string_view command);

Result<crypto::Sm2PublicKey> DecodePublicKey(ByteView value, std::string_view command);
Result<KeySlot> DecodeKeySlot(ByteView value, std::string_view command);
Result<CardInfo> DecodeFci(ByteView data);
Result<CardInfo> DecodeCardData(ByteView data);
Result<std::vector<ContainerEntry>> DecodeContainerList(ByteView data);
Result<FoundCertificate> DecodeFoundCertificate(ByteView data);

}  // namespace sedun::client::codec
