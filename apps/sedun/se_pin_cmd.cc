// `sedun se pin verify | change | unblock` (docs/apdu.md VERIFY, CHANGE REFERENCE DATA, RESET
// RETRY COUNTER). PINs come from files or environment variables, never from the command line,
// and are never printed. A wrong PIN exits 1 with the tries left; a blocked one exits 2.
#include <cstdio>

#include "se_common.h"

namespace sedun::cli::se {
namespace {

void AddVerify(CLI::App* pin, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string pin_file;
    bool admin = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = pin->add_subcommand("verify", "Verify the user (or --admin) PIN; exit 1 with the tries left if wrong");
  AddConnectOptions(cmd, &o->connect);
  cmd->add_option("--pin-file", o->pin_file,
                  "file holding the PIN (default: SEDUN_PIN, or SEDUN_ADMIN_PIN with --admin)");
  cmd->add_flag("--admin", o->admin, "verify the administrator PIN");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(SecretBytes value,
                             ReadPin(o->pin_file, o->admin ? "SEDUN_ADMIN_PIN" : "SEDUN_PIN", "--pin-file"));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      const client::PinRef ref = o->admin ? client::PinRef::kAdmin : client::PinRef::kUser;
      SEDUN_ASSIGN_OR_RETURN(client::PinCheck check, s->client().VerifyPin(ref, value));
      SEDUN_RETURN_IF_ERROR(PinCheckStatus(check, o->admin ? "administrator PIN" : "PIN"));
      std::printf("%s verified\n", o->admin ? "administrator PIN" : "PIN");
      return Status::Ok();
    };
  });
}

void AddChange(CLI::App* pin, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string pin_file, new_pin_file;
    bool admin = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = pin->add_subcommand("change", "Change the user (or --admin) PIN");
  AddConnectOptions(cmd, &o->connect);
  cmd->add_option("--pin-file", o->pin_file,
                  "file holding the current PIN (default: SEDUN_PIN, or SEDUN_ADMIN_PIN with --admin)");
  cmd->add_option("--new-pin-file", o->new_pin_file, "file holding the new PIN (default: SEDUN_NEW_PIN)");
  cmd->add_flag("--admin", o->admin, "change the administrator PIN");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(SecretBytes old_value,
                             ReadPin(o->pin_file, o->admin ? "SEDUN_ADMIN_PIN" : "SEDUN_PIN", "--pin-file"));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes new_value, ReadPin(o->new_pin_file, "SEDUN_NEW_PIN", "--new-pin-file"));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      const client::PinRef ref = o->admin ? client::PinRef::kAdmin : client::PinRef::kUser;
      SEDUN_ASSIGN_OR_RETURN(client::PinCheck check, s->client().ChangePin(ref, old_value, new_value));
      SEDUN_RETURN_IF_ERROR(PinCheckStatus(check, o->admin ? "administrator PIN" : "PIN"));
      std::printf("%s changed\n", o->admin ? "administrator PIN" : "PIN");
      return Status::Ok();
    };
  });
}

void AddUnblock(CLI::App* pin, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string admin_pin_file, new_pin_file;
  };
  auto o = std::make_shared<O>();
  auto* cmd = pin->add_subcommand("unblock", "Unblock the user PIN with the administrator PIN and set a new one");
  AddConnectOptions(cmd, &o->connect);
  cmd->add_option("--admin-pin-file", o->admin_pin_file,
                  "file holding the administrator PIN (default: SEDUN_ADMIN_PIN)");
  cmd->add_option("--new-pin-file", o->new_pin_file, "file holding the new user PIN (default: SEDUN_NEW_PIN)");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(SecretBytes admin, ReadPin(o->admin_pin_file, "SEDUN_ADMIN_PIN", "--admin-pin-file"));
      SEDUN_ASSIGN_OR_RETURN(SecretBytes new_value, ReadPin(o->new_pin_file, "SEDUN_NEW_PIN", "--new-pin-file"));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      SEDUN_ASSIGN_OR_RETURN(client::PinCheck check, s->client().UnblockPin(admin, new_value));
      SEDUN_RETURN_IF_ERROR(PinCheckStatus(check, "administrator PIN"));
      std::printf("user PIN unblocked and reset\n");
      return Status::Ok();
    };
  });
}

}  // namespace

void AddPinCommands(CLI::App* se, Action* action) {
  auto* pin = se->add_subcommand("pin", "Verify, change or unblock PINs");
  pin->require_subcommand(1);
  AddVerify(pin, action);
  AddChange(pin, action);
  AddUnblock(pin, action);
}

}  // namespace sedun::cli::se
