// The command handlers of the SE security service application (JR/T 0093.6 5.4; docs/apdu.md
// "Commands"), one group per file. The card OS calls them through the command table after it has
// checked the security condition and lifecycle; each handler still checks its own data, and the
// signing commands also consume the PIN verification themselves (JR/T 7.2).
// Thread-safety: called on the card's single command thread.
#pragma once

#include "apdu/apdu.h"
#include "se/command.h"

namespace sedun::se::applet {

// container_commands.cc (JR/T 5.4.3 a, b)
apdu::ResponseApdu CreateContainer(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu DeleteContainer(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu ListContainers(CommandContext& ctx, const apdu::CommandApdu& command);

// key_pair_commands.cc (JR/T 5.4.2 a)
apdu::ResponseApdu GenerateKeyPair(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu ReadPublicKey(CommandContext& ctx, const apdu::CommandApdu& command);

// certification_request_command.cc (JR/T 5.4.1 a steps 4-5)
apdu::ResponseApdu CertificationRequest(CommandContext& ctx, const apdu::CommandApdu& command);

// import_certificate_command.cc (JR/T 5.4.3 c)
apdu::ResponseApdu ImportCertificate(CommandContext& ctx, const apdu::CommandApdu& command);

// certificate_commands.cc (JR/T 5.4.3 d, e, f)
apdu::ResponseApdu ExportCertificate(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu ReadCertificate(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu DeleteCertificate(CommandContext& ctx, const apdu::CommandApdu& command);

// sign_commands.cc (JR/T 5.4.1 f, 5.4.2 b; film-shield 2.3.2)
apdu::ResponseApdu Sign(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu SignWithServerCheck(CommandContext& ctx, const apdu::CommandApdu& command);

// verify_signature_command.cc (JR/T 5.4.1 f)
apdu::ResponseApdu VerifySignature(CommandContext& ctx, const apdu::CommandApdu& command);

// cipher_commands.cc (JR/T 5.4.1 e, 7.3.3.2, 7.3.3.3)
apdu::ResponseApdu Encrypt(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu Decrypt(CommandContext& ctx, const apdu::CommandApdu& command);
apdu::ResponseApdu OpenEnvelope(CommandContext& ctx, const apdu::CommandApdu& command);

}  // namespace sedun::se::applet
