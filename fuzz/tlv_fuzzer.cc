// Fuzz target for the BER-TLV parser and writer.
//
// Strict parsing has one encoding per tree, so whatever parses strictly must re-encode to the
// input bytes exactly. Lenient parsing (non-minimal lengths) and EMV tags must re-encode to bytes
// that parse to the same tree. Any mismatch aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "apdu/tlv.h"

namespace {

using sedun::ByteReader;
using sedun::ByteView;
using sedun::Bytes;
using sedun::Result;
using namespace sedun::apdu;

void Check(bool ok) {
  if (!ok) abort();
}

bool SameBytes(const Bytes& a, ByteView b) { return std::ranges::equal(a, b); }

void RoundTrip(ByteView in, const TlvOptions& options, bool exact) {
  Result<std::vector<Tlv>> list = ParseTlvs(in, options);
  if (!list.ok()) return;
  Result<Bytes> out = EncodeTlvs(*list, options);
  Check(out.ok());
  if (exact) Check(SameBytes(*out, in));
  Check(out->size() <= in.size());
  TlvOptions strict = options;
  strict.strict_lengths = true;
  Result<std::vector<Tlv>> again = ParseTlvs(*out, strict);
  Check(again.ok() && *again == *list);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);

  TlvOptions strict;
  RoundTrip(in, strict, /*exact=*/true);
  TlvOptions lenient;
  lenient.strict_lengths = false;
  RoundTrip(in, lenient, /*exact=*/false);
  TlvOptions emv;
  emv.allow_emv_tags = true;
  RoundTrip(in, emv, /*exact=*/true);

  // Strict acceptance implies lenient and EMV acceptance of the same tree.
  Result<std::vector<Tlv>> s = ParseTlvs(in, strict);
  if (s.ok()) {
    Result<std::vector<Tlv>> l = ParseTlvs(in, lenient);
    Check(l.ok() && *l == *s);
  }

  // The flat reader agrees with the tree parser on the top level.
  ByteReader r(in);
  size_t count = 0;
  while (!r.empty()) {
    Tag tag = 0;
    ByteView value;
    size_t before = r.remaining();
    if (!ReadTlv(&r, &tag, &value, strict).ok()) {
      Check(r.remaining() == before);
      Check(!s.ok());
      break;
    }
    if (s.ok()) Check(count < s->size() && (*s)[count].tag == tag);
    ++count;
  }
  return 0;
}
