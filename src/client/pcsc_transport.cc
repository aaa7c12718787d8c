// PC/SC transport over libpcsclite. Every SCard* return code is checked and turned into a Status
// in PcscStatus; handles are released in reverse order of acquisition.
#include "client/pcsc_transport.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdio>
#include <string_view>

namespace sedun::client {
namespace {

// "SCardConnect(Virtual PCD 00 00): Service not available. (0x8010001D)". Absent services,
// readers and cards are kNotFound or kIo so that the CLI can tell the user what to fix.
Status PcscStatus(std::string_view call, LONG rv) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(rv));
  std::string message = std::string(call) + ": " + pcsc_stringify_error(rv) + " (" + code + ")";
  switch (rv) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      return IoError(message + "; is pcscd running?");
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
      return NotFound(message);
    case SCARD_W_RESET_CARD:
      return IoError(message + "; the card was reset and the session is lost");
    default:
      return IoError(message);
  }
}

// A PC/SC context released on destruction.
class Context {
 public:
  Context() = default;
  ~Context() {
    if (valid_) SCardReleaseContext(context_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Status Establish() {
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context_);
    if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardEstablishContext", rv);
    valid_ = true;
    return Status::Ok();
  }
  SCARDCONTEXT get() const { return context_; }
  // Hands the context over to a longer-lived owner.
  SCARDCONTEXT Release() {
    valid_ = false;
    return context_;
  }

 private:
  SCARDCONTEXT context_ = 0;
  bool valid_ = false;
};

// pcsc-lite returns reader names as a multi-string: names separated by NUL, ending in two NULs.
Result<std::vector<std::string>> ReaderNames(SCARDCONTEXT context) {
  DWORD size = 0;
  LONG rv = SCardListReaders(context, nullptr, nullptr, &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>();
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardListReaders", rv);
  std::string buffer(size, '\0');
  rv = SCardListReaders(context, nullptr, buffer.data(), &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>();
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardListReaders", rv);
  buffer.resize(size);
  std::vector<std::string> names;
  size_t start = 0;
  while (start < buffer.size() && buffer[start] != '\0') {
    size_t end = buffer.find('\0', start);
    if (end == std::string::npos) end = buffer.size();
    names.push_back(buffer.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

Result<std::vector<ReaderInfo>> ReaderStates(SCARDCONTEXT context) {
  SEDUN_ASSIGN_OR_RETURN(std::vector<std::string> names, ReaderNames(context));
  std::vector<SCARD_READERSTATE> states(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    states[i].szReader = names[i].c_str();
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  std::vector<ReaderInfo> readers;
  if (names.empty()) return readers;
  // With every current state UNAWARE the call answers at once with the present state.
  LONG rv = SCardGetStatusChange(context, 0, states.data(), static_cast<DWORD>(states.size()));
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardGetStatusChange", rv);
  for (size_t i = 0; i < names.size(); ++i) {
    ReaderInfo info;
    info.name = names[i];
    info.card_present = (states[i].dwEventState & SCARD_STATE_PRESENT) != 0 &&
                        (states[i].dwEventState & SCARD_STATE_MUTE) == 0;
    if (info.card_present) {
      const DWORD n = std::min<DWORD>(states[i].cbAtr, sizeof states[i].rgbAtr);
      info.atr.assign(states[i].rgbAtr, states[i].rgbAtr + n);
    }
    readers.push_back(std::move(info));
  }
  return readers;
}

}  // namespace

struct PcscTransport::Handles {
  SCARDCONTEXT context = 0;
  SCARDHANDLE card = 0;
  bool in_transaction = false;

  ~Handles() {
    if (in_transaction) SCardEndTransaction(card, SCARD_LEAVE_CARD);
    // Reset on the way out: the card's RAM state (channel, verified PIN) dies with the session.
    if (card != 0) SCardDisconnect(card, SCARD_RESET_CARD);
    if (context != 0) SCardReleaseContext(context);
  }
};

PcscTransport::PcscTransport(std::unique_ptr<Handles> handles, std::string reader, Bytes atr)
    : handles_(std::move(handles)), reader_(std::move(reader)), atr_(std::move(atr)) {}

PcscTransport::~PcscTransport() = default;

Result<std::vector<ReaderInfo>> PcscTransport::ListReaders() {
  Context context;
  SEDUN_RETURN_IF_ERROR(context.Establish());
  return ReaderStates(context.get());
}

Result<std::unique_ptr<PcscTransport>> PcscTransport::Connect(const std::string& reader) {
  Context context;
  SEDUN_RETURN_IF_ERROR(context.Establish());
  std::string name = reader;
  if (name.empty()) {
    SEDUN_ASSIGN_OR_RETURN(std::vector<ReaderInfo> readers, ReaderStates(context.get()));
    if (readers.empty()) return NotFound("no PC/SC reader found; is pcscd running with a reader?");
    for (const ReaderInfo& r : readers) {
      if (r.card_present) {
        name = r.name;
        break;
      }
    }
    if (name.empty()) {
      std::string list;
      for (const ReaderInfo& r : readers) list += (list.empty() ? "" : ", ") + r.name;
      return NotFound("no card in any reader (" + list + ")");
    }
  }

  auto handles = std::make_unique<Handles>();
  DWORD protocol = 0;
  LONG rv = SCardConnect(context.get(), name.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
                         &handles->card, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardConnect(" + name + ")", rv);
  handles->context = context.Release();
  rv = SCardBeginTransaction(handles->card);
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardBeginTransaction(" + name + ")", rv);
  handles->in_transaction = true;

  // The ATR, for `sedun se readers` and logs.
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_size = sizeof atr;
  DWORD state = 0;
  DWORD reader_size = 0;
  rv = SCardStatus(handles->card, nullptr, &reader_size, &state, &protocol, atr, &atr_size);
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardStatus(" + name + ")", rv);
  Bytes atr_bytes(atr, atr + std::min<DWORD>(atr_size, sizeof atr));
  return std::unique_ptr<PcscTransport>(new PcscTransport(std::move(handles), name, std::move(atr_bytes)));
}

Result<Bytes> PcscTransport::Transmit(ByteView command_apdu) {
  Bytes response(MAX_BUFFER_SIZE_EXTENDED);
  DWORD response_size = static_cast<DWORD>(response.size());
  LONG rv = SCardTransmit(handles_->card, SCARD_PCI_T1, command_apdu.data(),
                          static_cast<DWORD>(command_apdu.size()), nullptr, response.data(), &response_size);
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardTransmit(" + reader_ + ")", rv);
  response.resize(std::min<size_t>(response_size, response.size()));
  return response;
}

Status PcscTransport::Reset() {
  DWORD protocol = 0;
  LONG rv = SCardReconnect(handles_->card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, SCARD_RESET_CARD, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscStatus("SCardReconnect(" + reader_ + ")", rv);
  return Status::Ok();
}

}  // namespace sedun::client
