// The application command table (docs/apdu.md "Commands").
#include "se/applet/command_table.h"

#include <array>

#include "se/applet/handlers.h"

namespace sedun::se::applet {

namespace {

constexpr uint8_t kClaProprietary = 0x80;

// Conditions (docs/apdu.md): kPin for everything that uses a private key or changes what the
// card stores (JR/T 7.2: user authentication before sensitive operations; 5.4.3 b, 5.4.2 c:
// container and private-key access need a high access level); kChannel for reading public
// objects and for operations with public keys (JR/T 7.5.10.2: nothing without the channel).
constexpr std::array<CommandSpec, 16> kCommands = {{
    {kClaProprietary, 0xE0, Condition::kPin, &CreateContainer, "CREATE CONTAINER"},
    {kClaProprietary, 0xE4, Condition::kPin, &DeleteContainer, "DELETE CONTAINER"},
    {kClaProprietary, 0xE2, Condition::kChannel, &ListContainers, "LIST CONTAINERS"},
    {kClaProprietary, 0x46, Condition::kPin, &GenerateKeyPair, "GENERATE KEY PAIR"},
    {kClaProprietary, 0x48, Condition::kChannel, &ReadPublicKey, "READ PUBLIC KEY"},
    {kClaProprietary, 0x4A, Condition::kPin, &CertificationRequest, "CERTIFICATION REQUEST"},
    {kClaProprietary, 0xD0, Condition::kPin, &ImportCertificate, "IMPORT CERTIFICATE"},
    {kClaProprietary, 0xD2, Condition::kChannel, &ExportCertificate, "EXPORT CERTIFICATE"},
    {kClaProprietary, 0xD4, Condition::kChannel, &ReadCertificate, "READ CERTIFICATE"},
    {kClaProprietary, 0xD6, Condition::kPin, &DeleteCertificate, "DELETE CERTIFICATE"},
    {kClaProprietary, 0x2A, Condition::kPin, &Sign, "SIGN"},
    {kClaProprietary, 0x2C, Condition::kChannel, &VerifySignature, "VERIFY SIGNATURE"},
    {kClaProprietary, 0x2E, Condition::kChannel, &Encrypt, "ENCRYPT"},
    {kClaProprietary, 0x30, Condition::kPin, &Decrypt, "DECRYPT"},
    {kClaProprietary, 0x32, Condition::kPin, &OpenEnvelope, "OPEN ENVELOPE"},
    {kClaProprietary, 0x34, Condition::kPin, &SignWithServerCheck, "SIGN WITH SERVER CHECK"},
}};

}  // namespace

std::span<const CommandSpec> ApplicationCommands() { return kCommands; }

}  // namespace sedun::se::applet
