// `sedun se csr` and `sedun se cert import | export | read | delete`: certification requests the
// card signs itself, and the certificates it keeps (JR/T 0093.6 5.4.1 a, d; 5.4.3 c, f).
#include <cstdio>
#include <ctime>

#include "base/file.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "se_common.h"

namespace sedun::cli::se {
namespace {

struct SlotOptions {
  ConnectOptions connect;
  std::string pin_file, container, slot = "sign";
};

void AddSlotOptions(CLI::App* cmd, SlotOptions* o, bool pin) {
  AddConnectOptions(cmd, &o->connect);
  if (pin) AddPinOption(cmd, &o->pin_file);
  cmd->add_option("--container", o->container, "container name")->required();
  AddSlotOption(cmd, &o->slot);
}

Status WriteCertificate(const std::string& out, const Bytes& der, bool as_der) {
  if (as_der) return WriteOutput(out, der);
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::FromDer(der));
  return WriteOutput(out, AsBytes(cert.ToPem()));
}

// "now", seconds since 1970, or YYYY-MM-DDTHH:MM:SSZ (UTC).
Result<std::chrono::sys_seconds> ParseTime(const std::string& text) {
  if (text == "now") return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 12) {
    return std::chrono::sys_seconds(std::chrono::seconds(std::stoll(text)));
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') {
    return InvalidArgument("--at must be now, seconds since 1970, or YYYY-MM-DDTHH:MM:SSZ");
  }
  return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

void AddCsr(CLI::App* se, Action* action) {
  struct O {
    SlotOptions s;
    std::string subject, out = "-";
    bool der = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = se->add_subcommand("csr", "Have the card sign a PKCS#10 request for a slot's key (needs the PIN, "
                                        "which the signature consumes)");
  AddSlotOptions(cmd, &o->s, true);
  cmd->add_option("--subject", o->subject, "subject as /C=CN/O=.../CN=...")->required();
  cmd->add_option("--out", o->out, "request file (default: standard output)");
  cmd->add_flag("--der", o->der, "write DER instead of PEM");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(client::KeySlot slot, ParseSlot(o->s.slot));
      auto dn = pki::ParseSlashName(o->subject);
      if (!dn.ok()) return dn.status().Annotate("--subject");
      auto subject = pki::NameToDer(*dn);
      if (!subject.ok()) return subject.status().Annotate("--subject");
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->s.connect, Session::Need::kPin, o->s.pin_file));
      SEDUN_ASSIGN_OR_RETURN(pki::CertificateRequest csr,
                             s->client().CertificationRequest(o->s.container, slot, *subject));
      if (o->der) return WriteOutput(o->out, csr.ToDer());
      return WriteOutput(o->out, AsBytes(csr.ToPem()));
    };
  });
}

void AddImport(CLI::App* cert, Action* action) {
  struct O {
    SlotOptions s;
    std::string file;
  };
  auto o = std::make_shared<O>();
  auto* cmd = cert->add_subcommand("import", "Install the certificate for a slot's key; the card checks it matches "
                                             "the key and chains to its trust anchor (needs the PIN)");
  AddSlotOptions(cmd, &o->s, true);
  cmd->add_option("--cert", o->file, "certificate (PEM or DER), PEM chain, or PKCS#7 bundle (PEM or DER)")
      ->required();
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(client::KeySlot slot, ParseSlot(o->s.slot));
      SEDUN_ASSIGN_OR_RETURN(Bytes der, LoadCertificateOrChain(o->file));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->s.connect, Session::Need::kPin, o->s.pin_file));
      SEDUN_RETURN_IF_ERROR(s->client().ImportCertificate(o->s.container, slot, der));
      std::printf("certificate installed in %s\n", o->s.container.c_str());
      return Status::Ok();
    };
  });
}

void AddExport(CLI::App* cert, Action* action) {
  struct O {
    SlotOptions s;
    std::string out = "-";
    bool der = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = cert->add_subcommand("export", "Write a slot's certificate");
  AddSlotOptions(cmd, &o->s, false);
  cmd->add_option("--out", o->out, "certificate file (default: standard output)");
  cmd->add_flag("--der", o->der, "write DER instead of PEM");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(client::KeySlot slot, ParseSlot(o->s.slot));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->s.connect, Session::Need::kChannel));
      SEDUN_ASSIGN_OR_RETURN(Bytes der, s->client().ExportCertificate(o->s.container, slot));
      return WriteCertificate(o->out, der, o->der);
    };
  });
}

void AddRead(CLI::App* cert, Action* action) {
  struct O {
    ConnectOptions connect;
    std::string serial, at, out;
    bool der = false;
  };
  auto o = std::make_shared<O>();
  auto* cmd = cert->add_subcommand("read", "Find a certificate on the card by serial number, a time it is valid "
                                           "at, or both; prints where it is kept");
  AddConnectOptions(cmd, &o->connect);
  cmd->add_option("--serial", o->serial, "serial number in hex");
  cmd->add_option("--at", o->at, "a time the certificate is valid at: now, seconds since 1970, or "
                                 "YYYY-MM-DDTHH:MM:SSZ");
  cmd->add_option("--out", o->out, "also write the certificate to this file");
  cmd->add_flag("--der", o->der, "write DER instead of PEM");
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      if (o->serial.empty() && o->at.empty()) return InvalidArgument("give --serial, --at or both");
      Bytes serial;
      std::optional<std::chrono::sys_seconds> at;
      if (!o->serial.empty()) {
        auto parsed = HexDecode(o->serial);
        if (!parsed.ok()) return parsed.status().Annotate("--serial");
        serial = std::move(*parsed);
      }
      if (!o->at.empty()) {
        SEDUN_ASSIGN_OR_RETURN(at, ParseTime(o->at));
      }
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kChannel));
      SEDUN_ASSIGN_OR_RETURN(client::FoundCertificate found, s->client().ReadCertificate(serial, at));
      std::printf("container: %s\nslot: %s\n", found.container.c_str(),
                  found.slot == client::KeySlot::kSign ? "sign" : "encrypt");
      if (auto parsed = pki::Certificate::FromDer(found.certificate); parsed.ok()) {
        std::printf("serial: %s\nsubject: %s\n", parsed->serial_hex().c_str(), parsed->subject_string().c_str());
      }
      if (!o->out.empty()) return WriteCertificate(o->out, found.certificate, o->der);
      return Status::Ok();
    };
  });
}

void AddDelete(CLI::App* cert, Action* action) {
  auto o = std::make_shared<SlotOptions>();
  auto* cmd = cert->add_subcommand("delete", "Delete a slot's certificate and its key pair (needs the PIN)");
  AddSlotOptions(cmd, o.get(), true);
  cmd->callback([action, o] {
    *action = [o]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(client::KeySlot slot, ParseSlot(o->slot));
      SEDUN_ASSIGN_OR_RETURN(auto s, Session::Open(o->connect, Session::Need::kPin, o->pin_file));
      SEDUN_RETURN_IF_ERROR(s->client().DeleteCertificate(o->container, slot));
      std::printf("certificate and key pair deleted from %s\n", o->container.c_str());
      return Status::Ok();
    };
  });
}

}  // namespace

void AddCertCommands(CLI::App* se, Action* action) {
  AddCsr(se, action);
  auto* cert = se->add_subcommand("cert", "Import, export, find or delete certificates on the card");
  cert->require_subcommand(1);
  AddImport(cert, action);
  AddExport(cert, action);
  AddRead(cert, action);
  AddDelete(cert, action);
}

}  // namespace sedun::cli::se
