// Fuzz target for the APDU codec and the chaining / GET RESPONSE logic.
//
// The input is read as a command APDU and as a response APDU. Whatever parses must re-encode to
// the input bytes exactly (the codec has one encoding per value) and parse back to the same value.
// A parsed command is also cut into a chain and joined again, and a parsed response is split by
// the card-side splitter and collected by the host-side collector; both must give back what went
// in. Any mismatch aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "apdu/apdu.h"
#include "apdu/chaining.h"

namespace {

using sedun::ByteView;
using sedun::Bytes;
using sedun::Result;
using namespace sedun::apdu;

void Check(bool ok) {
  if (!ok) abort();
}

void ChainRoundTrip(const CommandApdu& c, size_t part) {
  CommandApdu base = c;
  base.cla = WithoutChaining(base.cla);
  Result<std::vector<CommandApdu>> parts = SplitIntoChain(base, part);
  Check(parts.ok());
  CommandChainer chainer;
  std::optional<CommandApdu> joined;
  for (size_t i = 0; i < parts->size(); ++i) {
    Check(!joined.has_value());
    Result<std::optional<CommandApdu>> r = chainer.Add((*parts)[i]);
    Check(r.ok());
    joined = *r;
  }
  Check(joined.has_value() && joined->data == base.data && joined->ne == base.ne &&
        joined->cla == base.cla && joined->ins == base.ins && joined->p1 == base.p1 &&
        joined->p2 == base.p2);
}

void ResponseRoundTrip(const ResponseApdu& full, uint32_t ne) {
  ResponseSplitter card;
  ResponseCollector host(0x00);
  ResponseApdu answer = card.Start(full, ne);
  for (size_t rounds = 0;; ++rounds) {
    Check(rounds <= full.data.size() + 1);
    Result<Bytes> wire = answer.Encode();
    Check(wire.ok());
    Result<std::optional<CommandApdu>> next = host.Add(answer);
    Check(next.ok());
    if (!next->has_value()) break;
    Result<ResponseApdu> a = card.GetResponse(**next);
    Check(a.ok());
    answer = *a;
  }
  ResponseApdu got = host.Take();
  Check(got.sw == full.sw);
  Check(IsSwError(full.sw) ? got.data.empty() : got.data == full.data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);

  Result<CommandApdu> c = CommandApdu::Parse(in);
  if (c.ok()) {
    Result<Bytes> out = c->Encode();
    Check(out.ok());
    Check(ByteView(*out).size() == size && std::equal(out->begin(), out->end(), data));
    Result<CommandApdu> again = CommandApdu::Parse(*out);
    Check(again.ok() && *again == *c);
    // Part sizes from the header so the fuzzer explores them.
    ChainRoundTrip(*c, size_t{c->p2} + 1);
  }

  Result<ResponseApdu> r = ResponseApdu::Parse(in);
  if (r.ok()) {
    Result<Bytes> out = r->Encode();
    Check(out.ok());
    Check(out->size() == size && std::equal(out->begin(), out->end(), data));
    Result<ResponseApdu> again = ResponseApdu::Parse(*out);
    Check(again.ok() && *again == *r);
    // SW1 61 would be read by the collector as "more to come"; a final status never is.
    if (r->sw1() != 0x61) ResponseRoundTrip(*r, size == 0 ? 0 : uint32_t{data[0]});
  }
  return 0;
}
