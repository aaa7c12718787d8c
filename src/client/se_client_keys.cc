// SeClient: containers and key pairs (docs/apdu.md CREATE / DELETE / LIST CONTAINERS, GENERATE
// KEY PAIR, READ PUBLIC KEY). Private keys are made inside the card and never leave it
// (JR/T 0093.6 5.4.2 a, d): these calls only ever see public keys.
#include "apdu/tlv.h"
#include "client/se_client.h"
#include "client/se_codec.h"

namespace sedun::client {

namespace tag = codec::tag;

// CREATE CONTAINER 80 E0 00 00 { 81 }
Status SeClient::CreateContainer(std::string_view name) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(name));
  return Call("CREATE CONTAINER", 0x80, 0xE0, 0x00, 0x00, data, false).status();
}

// DELETE CONTAINER 80 E4 00 00 { 81 }
Status SeClient::DeleteContainer(std::string_view name) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(name));
  return Call("DELETE CONTAINER", 0x80, 0xE4, 0x00, 0x00, data, false).status();
}

// LIST CONTAINERS 80 E2 00 00 00 -> A0 per container
Result<std::vector<ContainerEntry>> SeClient::ListContainers() {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, Call("LIST CONTAINERS", 0x80, 0xE2, 0x00, 0x00, {}, true));
  return codec::DecodeContainerList(data);
}

// GENERATE KEY PAIR 80 46 00 00 { 81, 82 } -> 87
Result<crypto::Sm2PublicKey> SeClient::GenerateKeyPair(std::string_view container, KeySlot slot) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(container, slot));
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("GENERATE KEY PAIR", 0x80, 0x46, 0x00, 0x00, data, true));
  SEDUN_ASSIGN_OR_RETURN(ByteView point, codec::OnlyObject(answer, tag::kPublicKey, "GENERATE KEY PAIR"));
  return codec::DecodePublicKey(point, "GENERATE KEY PAIR");
}

// READ PUBLIC KEY 80 48 00 00 { 81, 82 } -> 87
Result<crypto::Sm2PublicKey> SeClient::ReadPublicKey(std::string_view container, KeySlot slot) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(container, slot));
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("READ PUBLIC KEY", 0x80, 0x48, 0x00, 0x00, data, true));
  SEDUN_ASSIGN_OR_RETURN(ByteView point, codec::OnlyObject(answer, tag::kPublicKey, "READ PUBLIC KEY"));
  return codec::DecodePublicKey(point, "READ PUBLIC KEY");
}

}  // namespace sedun::client
