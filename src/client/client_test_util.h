// Test doubles for src/client: a Transport that plays a script of expected commands and canned
// responses (byte-exact checks of what the client sends), and a small card that speaks the secure
// channel, chaining and GET RESPONSE through scp::CardChannel and the apdu card-side helpers, so
// that ApduSession is exercised against the real other end of each protocol.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "apdu/apdu.h"
#include "apdu/chaining.h"
#include "apdu/transport.h"
#include "base/bytes.h"
#include "scp/scp.h"

namespace sedun::client::testing {

// "80 E0 00 00 03 81 01 41" -> "80e00000038101 41" without spaces, lowercase.
inline std::string Hex(std::string_view spaced) {
  auto b = HexDecode(spaced);
  EXPECT_TRUE(b.ok()) << "bad hex in test: " << spaced;
  return b.ok() ? HexEncode(*b) : std::string();
}

class ScriptedTransport : public apdu::Transport {
 public:
  // The next command must be `command` (hex, spaces allowed); the card answers `response`.
  void Expect(std::string_view command, std::string_view response) {
    script_.push_back(Step{Hex(command), Hex(response), Status::Ok()});
  }
  // The next command must be `command`; the link fails with `error`.
  void ExpectFailure(std::string_view command, Status error) {
    script_.push_back(Step{Hex(command), {}, std::move(error)});
  }

  Result<Bytes> Transmit(ByteView command) override {
    sent_.push_back(HexEncode(command));
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected command " << HexEncode(command);
      return IoError("script exhausted");
    }
    Step step = std::move(script_.front());
    script_.pop_front();
    EXPECT_EQ(HexEncode(command), step.command);
    if (!step.error.ok()) return step.error;
    return HexDecode(step.response);
  }
  Status Reset() override {
    ++resets_;
    return Status::Ok();
  }

  bool done() const { return script_.empty(); }
  const std::vector<std::string>& sent() const { return sent_; }
  int resets() const { return resets_; }

 private:
  struct Step {
    std::string command, response;
    Status error;
  };
  std::deque<Step> script_;
  std::vector<std::string> sent_;
  int resets_ = 0;
};

// A card OS in miniature: INITIALIZE UPDATE / EXTERNAL AUTHENTICATE through scp::CardChannel,
// then every command unwrapped, chains joined, the application's answer split by Ne and each
// piece wrapped. `app` plays the application on the joined plain command.
class MiniCard : public apdu::Transport {
 public:
  using App = std::function<apdu::ResponseApdu(const apdu::CommandApdu&)>;

  MiniCard(scp::KeySet keys, App app) : keys_(std::move(keys)), app_(std::move(app)) {}

  Result<Bytes> Transmit(ByteView raw) override {
    wire_.push_back(ToBytes(raw));
    auto command = apdu::CommandApdu::Parse(raw);
    if (!command.ok()) return Answer({{}, apdu::kSwWrongLength});
    if (command->ins == 0x50 && (command->cla & 0xFC) == 0x80) {
      chainer_.Reset();
      splitter_.Reset();
      const Bytes kdd = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0};
      auto data = channel_.InitializeUpdate(keys_, scp::kKvnClient, kdd, command->data);
      if (!data.ok()) return Answer({{}, apdu::kSwWrongLength});
      return Answer({std::move(*data), apdu::kSwOk});
    }
    if (command->ins == 0x82 && !channel_.open()) {
      Status s = channel_.ExternalAuthenticate(*command);
      return Answer({{}, s.ok() ? apdu::kSwOk : apdu::kSwSecurityNotSatisfied});
    }
    apdu::CommandApdu plain = *command;
    if (channel_.open()) {
      auto unwrapped = channel_.Unwrap(*command);
      if (!unwrapped.ok()) return Answer({{}, apdu::kSwSecurityNotSatisfied});
      plain = std::move(*unwrapped);
    }
    plain_.push_back(plain);
    apdu::ResponseApdu response;
    if (plain.ins == apdu::kInsGetResponse) {
      auto piece = splitter_.GetResponse(plain);
      response = piece.ok() ? std::move(*piece) : apdu::ResponseApdu{{}, apdu::kSwConditionsNotSatisfied};
    } else {
      splitter_.Reset();
      auto joined = chainer_.Add(plain);
      if (!joined.ok()) {
        response = {{}, apdu::kSwLastCommandExpected};
      } else if (!joined->has_value()) {
        response = {{}, apdu::kSwOk};
      } else {
        const uint32_t ne = (*joined)->ne;
        response = splitter_.Start(app_(**joined), ne);
      }
    }
    if (channel_.open()) {
      auto wrapped = channel_.Wrap(response);
      if (!wrapped.ok()) return Answer({{}, apdu::kSwUnknown});
      response = std::move(*wrapped);
    }
    return Answer(response);
  }
  Status Reset() override {
    channel_.Close();
    chainer_.Reset();
    splitter_.Reset();
    return Status::Ok();
  }

  // Every APDU as it crossed the wire, and every command after unwrapping.
  const std::vector<Bytes>& wire() const { return wire_; }
  const std::vector<apdu::CommandApdu>& plain() const { return plain_; }
  scp::CardChannel& channel() { return channel_; }

 private:
  static Result<Bytes> Answer(const apdu::ResponseApdu& r) { return r.Encode(); }

  scp::KeySet keys_;
  App app_;
  scp::CardChannel channel_;
  apdu::CommandChainer chainer_;
  apdu::ResponseSplitter splitter_;
  std::vector<Bytes> wire_;
  std::vector<apdu::CommandApdu> plain_;
};

inline scp::KeySet TestKeys() {
  Bytes raw(scp::kKeySetSize);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(0x40 + i);
  auto keys = scp::KeySet::FromBytes(raw);
  EXPECT_TRUE(keys.ok());
  return std::move(*keys);
}

}  // namespace sedun::client::testing
