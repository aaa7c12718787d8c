// `sedun se container create | delete | list` and `sedun se keygen`: containers and the SM2 key
// pairs the card generates inside itself (JR/T 0093.6 5.4.2 a, d: private keys never leave it).
#include <cstdio>

#include "base/file.h"
#include "pki/certificate.h"
#include "pki/key_io.h"
#include "se_common.h"

namespace sedun::cli::se {
namespace {

std::string SlotName(client::KeySlot slot) { return slot == client::KeySlot::kSign ? "sign" : "encrypt"; }

struct ContainerOptions {
  ConnectOptions connect;
  std::string pin_file, name;
};

void AddCreateDelete(CLI::App* container, Action* action, bool create) {
  auto o = std::make_shared<ContainerOptions>();
  auto* cmd = container->add_subcommand(
      create ? "create" : "delete",
      create ? "Create a key container (needs the PIN)" : "Delete a container with its keys and certificates "
                                                          "(needs the PIN)");
  AddConnectOptions(cmd, &o->connect);
  AddPinOption(cmd, &o->pin_file);
  cmd->add_option("--container", o->name, "container name, 1-32 bytes")->required();
  cmd->callback([action, o, create] {
    *action = [o, create]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kPin, o->pin_file));
      if (create) {
        SEDUN_RETURN_IF_ERROR(s->client().CreateContainer(o->name));
        std::printf("container %s created\n", o->name.c_str());
      } else {
        SEDUN_RETURN_IF_ERROR(s->client().DeleteContainer(o->name));
        std::printf("container %s deleted\n", o->name.c_str());
      }
      return Status::Ok();
    };
  });
}

void AddList(CLI::App* container, Action* action) {
  auto o = std::make_shared<ConnectOptions>();
  auto* cmd = container->add_subcommand("list", "List the containers, their key pairs and certificates");
  AddConnectOptions(cmd, o.get());
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(*o, Session::Need::kChannel));
      SEDUN_ASSIGN_OR_RETURN(std::vector<client::ContainerEntry> list, s->client().ListContainers());
      if (list.empty()) std::printf("no containers\n");
      for (const client::ContainerEntry& c : list) {
        std::printf("%s\n", c.name.c_str());
        if (c.slots.empty()) std::printf("  no key pairs\n");
        for (const client::SlotEntry& slot : c.slots) {
          std::printf("  %s key: %s\n", SlotName(slot.slot).c_str(), HexEncode(slot.public_key.point()).c_str());
          if (!slot.certificate) {
            std::printf("  %s certificate: none\n", SlotName(slot.slot).c_str());
            continue;
          }
          auto cert = pki::Certificate::FromDer(*slot.certificate);
          if (!cert.ok()) {
            std::printf("  %s certificate: %zu bytes, unreadable here\n", SlotName(slot.slot).c_str(),
                        slot.certificate->size());
            continue;
          }
          std::printf("  %s certificate: serial %s, subject %s, issuer %s\n", SlotName(slot.slot).c_str(),
                      cert->serial_hex().c_str(), cert->subject_string().c_str(), cert->issuer_string().c_str());
        }
      }
      return Status::Ok();
    };
  });
}

void AddKeygen(CLI::App* se, Action* action) {
  struct O {
    ContainerOptions c;
    std::string slot = "sign", pubout;
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand("keygen", "Generate an SM2 key pair inside the card, replacing the slot's pair and "
                                           "certificate (needs the PIN)");
  AddConnectOptions(cmd, &o->c.connect);
  AddPinOption(cmd, &o->c.pin_file);
  cmd->add_option("--container", o->c.name, "container name")->required();
  AddSlotOption(cmd, &o->slot);
  cmd->add_option("--pubout", o->pubout, "also write the public key (SubjectPublicKeyInfo PEM)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(client::KeySlot slot, ParseSlot(o->slot));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->c.connect, Session::Need::kPin, o->c.pin_file));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, s->client().GenerateKeyPair(o->c.name, slot));
      if (!o->pubout.empty()) {
        SEDUN_ASSIGN_OR_RETURN(std::string pem, pki::PublicKeyToPem(key));
        SEDUN_RETURN_IF_ERROR(WriteFileAtomic(o->pubout, AsBytes(pem)));
      }
      std::printf("%s key pair generated in %s: %s\n", SlotName(slot).c_str(), o->c.name.c_str(),
                  HexEncode(key.point()).c_str());
      return Status::Ok();
    };
  });
}

}  // namespace

void AddKeyCommands(CLI::App* se, Action* action) {
  auto* container = se->add_subcommand("container", "Create, delete or list key containers");
  container->require_subcommand(1);
  AddCreateDelete(container, action, true);
  AddCreateDelete(container, action, false);
  AddList(container, action);
  AddKeygen(se, action);
}

}  // namespace sedun::cli::se
