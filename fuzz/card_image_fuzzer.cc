// Fuzz target for the card image parser (src/se/store/card_image.h, docs/formats/card_image.md).
//
// The input is decoded twice: as it is (magic, version, length and digest checks), and framed as
// the body of an image with a correct header and digest, so that random bytes also reach the
// record parser behind the digest. Whatever decodes must re-encode to exactly the bytes that were
// decoded (the format is canonical) and decode again. Any mismatch aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "base/byte_writer.h"
#include "crypto/sm3.h"
#include "se/store/card_image.h"

namespace {

using sedun::ByteView;
using sedun::Bytes;
using sedun::Result;
using sedun::SecretBytes;
using sedun::se::CardState;

void Check(bool ok) {
  if (!ok) abort();
}

void RoundTrip(ByteView image) {
  Result<CardState> state = sedun::se::DecodeCardImage(image);
  if (!state.ok()) return;
  Result<SecretBytes> again = sedun::se::EncodeCardImage(*state);
  Check(again.ok());
  Check(again->size() == image.size() && std::equal(image.begin(), image.end(), again->view().begin()));
  Check(sedun::se::DecodeCardImage(again->view()).ok());
  Check(sedun::se::ValidateCardState(*state).ok());
}

Bytes Frame(ByteView body) {
  sedun::ByteWriter w;
  w.PutBytes(sedun::AsBytes(std::string_view(sedun::se::kCardImageMagic, sedun::se::kCardImageMagicSize)));
  w.PutU16(sedun::se::kCardImageVersion);
  w.PutU32(static_cast<uint32_t>(body.size()));
  w.PutBytes(body);
  Bytes out = w.Finish().value();
  Result<sedun::crypto::Sm3Digest> d = sedun::crypto::Sm3Hash(out);
  Check(d.ok());
  out.insert(out.end(), d->begin(), d->end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  RoundTrip(in);
  if (size <= sedun::se::kMaxCardImageSize) RoundTrip(Frame(in));
  return 0;
}
