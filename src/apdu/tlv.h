// BER-TLV as used on smart cards (ISO/IEC 7816-4 "BER-TLV data objects", a subset of the ASN.1
// basic encoding rules of ISO/IEC 8825-1 = ITU-T X.690 clause 8.1).
//
// The subset: tags of one to three bytes, definite lengths only (short form, or long form 81, 82
// and 83, so values up to 16 MiB - 1), nesting up to TlvOptions::max_depth. Parsing borrows: a Tlv
// points into the input, which must outlive it. Every parser consumes its whole input (trailing
// bytes are an error). TlvWriter builds the same subset with minimal lengths, so for strict input
// EncodeTlvs(ParseTlvs(x)) == x.
//
// Thread-safety: functions are pure; TlvWriter and Tlv are values, not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::apdu {

// A tag as its bytes read big-endian: 0x84, 0x5F2D, 0xDF8101. The class and constructed bits are
// those of the first byte, so they sit at different positions for different tag sizes.
using Tag = uint32_t;

inline constexpr size_t kMaxTagSize = 3;
// Long form 83 xx xx xx is the largest length field accepted.
inline constexpr size_t kMaxTlvValueSize = 0xFFFFFF;
inline constexpr size_t kDefaultMaxTlvDepth = 8;

// True for a well-formed tag of this subset (see ReadTlv for the rules); `allow_emv_tags` as in
// TlvOptions.
bool IsValidTag(Tag tag, bool allow_emv_tags = false);
// Bytes the tag occupies on the wire: 1, 2 or 3 (for a valid tag).
size_t TagSize(Tag tag);
// X.690 8.1.2.5: bit 6 (0x20) of the first tag byte marks a constructed encoding, whose value is
// itself a sequence of BER-TLV objects.
bool IsConstructedTag(Tag tag);

struct TlvOptions {
  // ISO/IEC 7816-4 allows a long-form length with leading zeros or one that would fit a shorter
  // form (81 05, 82 00 80); X.690 10.1 (DER) forbids it. Strict is the default because everything
  // sedun writes is minimal and a canonical encoding makes re-encoding exact. Turn it off to read
  // data produced by third-party cards that pad length fields.
  bool strict_lengths = true;
  // EMV and the PBOC specifications built on it use two-byte tags for numbers below 31 (9F02,
  // 9F1A, BF0C), which X.690 8.1.2.4 and ISO/IEC 7816-4 call invalid because a one-byte form
  // exists. Off by default: sedun's own data never needs them. Turn it on to read or write
  // EMV-style data; the tag bytes are kept as read, so re-encoding is still exact.
  bool allow_emv_tags = false;
  // Levels of nesting allowed, top-level objects being level 1. Bounds recursion on hostile input.
  // An empty constructed object does not count as a further level.
  size_t max_depth = kDefaultMaxTlvDepth;
};

struct Tlv {
  Tag tag = 0;
  // The whole value field, borrowed from the parsed input.
  ByteView value;
  // For a constructed tag, the objects its value holds, in order; empty for a primitive tag.
  std::vector<Tlv> children;

  bool constructed() const { return IsConstructedTag(tag); }
  // First direct child with `tag`, or nullptr.
  const Tlv* Find(Tag child_tag) const;
};

// Equal when they stand for the same data: same tag and children, and for nodes without children
// the same value bytes. The value field of a node with children is not compared, as it may hold a
// non-minimal encoding of those children (lenient parsing). Addresses are never compared.
bool operator==(const Tlv& a, const Tlv& b);

// Reads one object's tag and value from `in` without looking inside the value. On failure `in` is
// left unchanged. Rules (X.690 8.1.2 and 8.1.3, ISO/IEC 7816-4 BER-TLV tag and length fields):
//  - a first tag byte of 00 is rejected: it is padding in ISO/IEC 7816-4 and end-of-contents in
//    X.690, and neither has a place in definite-length data;
//  - tag numbers below 31 must use the one-byte form (unless allow_emv_tags), subsequent tag
//    bytes must not start with 80 (a leading zero group), and a tag may not run past three bytes;
//  - length 80 (indefinite), 84 and above, and lengths beyond the remaining input are rejected;
//  - with strict_lengths, long forms must be minimal.
Status ReadTlv(ByteReader* in, Tag* out_tag, ByteView* out_value, const TlvOptions& options = {});

// Parses a sequence of objects filling all of `in` (an empty input gives an empty list), and the
// children of every constructed object, which must fill its value exactly.
Result<std::vector<Tlv>> ParseTlvs(ByteView in, const TlvOptions& options = {});
// Parses exactly one object; anything after it is an error.
Result<Tlv> ParseTlv(ByteView in, const TlvOptions& options = {});

// First object in `list` with `tag`, or nullptr. Searches one level only.
const Tlv* FindTlv(std::span<const Tlv> list, Tag tag);
// Follows a path of tags from `list` downwards, e.g. {0x6F, 0xA5, 0xBF0C}; nullptr if any step is
// missing. An empty path gives nullptr.
const Tlv* FindTlvPath(std::span<const Tlv> list, std::initializer_list<Tag> path);
// The value of the first object with `tag`, or NotFound naming the tag.
Result<ByteView> FindTlvValue(std::span<const Tlv> list, Tag tag);

// Builds BER-TLV with minimal lengths. Constructed objects are opened, filled and closed; each
// level is buffered in its own ByteWriter so the length can be written once the content is known.
// The first error (invalid tag, oversized value, unbalanced Close) sticks: later calls do nothing
// and Finish reports it, so a sequence of Add/Open/Close needs one check at the end.
class TlvWriter {
 public:
  // Only allow_emv_tags matters: it widens the tags Add and Open accept.
  explicit TlvWriter(const TlvOptions& options = {});

  // A primitive object, or a constructed one whose value the caller already encoded as BER-TLV.
  void Add(Tag tag, ByteView value);
  void AddU8(Tag tag, uint8_t value);
  // Starts a constructed object; `tag` must have the constructed bit.
  void Open(Tag tag);
  // Ends the innermost open object.
  void Close();

  // The encoding; fails if an earlier call failed or an object is still open.
  Result<Bytes> Finish();

 private:
  void Fail(Status status);

  std::vector<ByteWriter> levels_;  // levels_[0] is the top level
  std::vector<Tag> open_tags_;      // tag of levels_[i + 1]
  bool allow_emv_tags_;
  Status error_;
};

// Re-encodes parsed objects. A node with children is written from its children; a node without
// children is written from its value.
Result<Bytes> EncodeTlvs(std::span<const Tlv> list, const TlvOptions& options = {});
Result<Bytes> EncodeTlv(const Tlv& tlv, const TlvOptions& options = {});

}  // namespace sedun::apdu
