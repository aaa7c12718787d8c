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

#include "apdu/security_service.h"
#include "apdu/tlv.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "client/se_client.h"

namespace sedun::client::codec {

namespace tag = apdu::sss::tag;

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
