// PcscTransport: a Transport over PC/SC (pcsc-lite's libpcsclite talking to pcscd), so the client
// reaches any card in any reader, the sedun-card daemon behind vsmartcard-vpcd included.
//
// A connection is shared (other applications may open the card too) but holds a PC/SC
// transaction from connect to close, so no other application's APDUs fall between ours while a
// secure channel is open. Closing resets the card (SCARD_RESET_CARD): a verified PIN or an open
// channel never outlives the process that set them up. T=1 only, as the card speaks it
// (docs/apdu.md "Transport").
// Errors name the PC/SC call and the pcsc-lite error text (pcsc_stringify_error) with its code.
// Thread-safety: one object per thread; ListReaders may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apdu/transport.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::client {

struct ReaderInfo {
  std::string name;
  bool card_present = false;
  Bytes atr;  // the card's answer to reset, when one is present
};

class PcscTransport final : public apdu::Transport {
 public:
  // Every reader pcscd knows, in its order, with whether a card is in it; empty when there are
  // none. kIo when pcscd is not running.
  static Result<std::vector<ReaderInfo>> ListReaders();

  // Connects to the reader named `reader`, or to the first reader holding a card when `reader`
  // is empty. kNotFound for an unknown reader, an empty one, or no reader with a card.
  static Result<std::unique_ptr<PcscTransport>> Connect(const std::string& reader = {});

  ~PcscTransport() override;
  PcscTransport(const PcscTransport&) = delete;
  PcscTransport& operator=(const PcscTransport&) = delete;

  Result<Bytes> Transmit(ByteView command_apdu) override;
  // SCardReconnect with SCARD_RESET_CARD; the transaction is kept.
  Status Reset() override;

  const std::string& reader() const { return reader_; }
  const Bytes& atr() const { return atr_; }

 private:
  struct Handles;
  PcscTransport(std::unique_ptr<Handles> handles, std::string reader, Bytes atr);

  std::unique_ptr<Handles> handles_;
  std::string reader_;
  Bytes atr_;
};

}  // namespace sedun::client
