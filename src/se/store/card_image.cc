// Card image encoder and strict decoder (docs/formats/card_image.md).
#include "se/store/card_image.h"

#include <algorithm>
#include <set>
#include <string>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "crypto/ct.h"
#include "crypto/sm3.h"

namespace sedun::se {
namespace {

// Record tags of version 1, in the order they must appear (docs/formats/card_image.md).
enum RecordTag : uint8_t {
  kTagSerial = 0x01,
  kTagLifecycle = 0x02,
  kTagGeneration = 0x03,
  kTagCapacity = 0x04,
  kTagPinSalt = 0x05,
  kTagIssuerKeys = 0x06,
  kTagClientKeys = 0x07,
  kTagTrustAnchor = 0x08,
  kTagServerCertificate = 0x09,
  kTagUserPin = 0x0A,
  kTagAdminPin = 0x0B,
  kTagContainer = 0x10,  // repeated, zero or more
};

constexpr size_t kHeaderSize = kCardImageMagicSize + 2 + 4;
constexpr size_t kDigestSize = crypto::kSm3DigestSize;

ByteView Magic() { return AsBytes(std::string_view(kCardImageMagic, kCardImageMagicSize)); }

Status Bad(const std::string& what) { return Malformed("card image: " + what); }

bool ValidLifecycle(uint8_t v) { return v >= 0x01 && v <= 0x05; }

Status ValidatePin(const PinRecord& p, const char* name) {
  if (!p.set) {
    if (p.retry_limit != 0 || p.tries_left != 0 || !p.verifier.empty()) {
      return Bad(std::string(name) + " PIN not set but has values");
    }
    return Status::Ok();
  }
  if (p.retry_limit < 1 || p.retry_limit > kMaxRetryLimit) return Bad(std::string(name) + " PIN retry limit out of range");
  if (p.tries_left > p.retry_limit) return Bad(std::string(name) + " PIN tries left above the limit");
  if (p.verifier.size() != kPinVerifierSize) return Bad(std::string(name) + " PIN verifier size");
  return Status::Ok();
}

Status ValidateSlot(const KeySlot& s) {
  if (s.private_key.size() != kPrivateKeySize) return Bad("private key size");
  if (s.public_key.size() != kPublicKeySize || s.public_key[0] != 0x04) return Bad("public key encoding");
  return Status::Ok();
}

// --- encoding -------------------------------------------------------------------------------

Status PutRecord(ByteWriter& w, uint8_t tag, ByteView value) {
  w.PutU8(tag);
  w.OpenPrefixed(4);
  w.PutBytes(value);
  return w.ClosePrefixed();
}

Bytes PinValue(const PinRecord& p) {
  Bytes v = {static_cast<uint8_t>(p.set ? 1 : 0), p.retry_limit, p.tries_left,
             static_cast<uint8_t>(p.verifier.size())};
  v.insert(v.end(), p.verifier.view().begin(), p.verifier.view().end());
  return v;
}

Status PutSlot(ByteWriter& w, KeySlotId id, const KeySlot& s) {
  w.PutU8(static_cast<uint8_t>(id));
  w.OpenPrefixed(1);
  w.PutBytes(s.private_key.view());
  SEDUN_RETURN_IF_ERROR(w.ClosePrefixed());
  w.OpenPrefixed(1);
  w.PutBytes(s.public_key);
  SEDUN_RETURN_IF_ERROR(w.ClosePrefixed());
  w.OpenPrefixed(4);
  w.PutBytes(s.certificate);
  return w.ClosePrefixed();
}

Status PutContainer(ByteWriter& w, const Container& c) {
  w.PutU8(kTagContainer);
  w.OpenPrefixed(4);
  w.OpenPrefixed(1);
  w.PutBytes(AsBytes(c.name));
  SEDUN_RETURN_IF_ERROR(w.ClosePrefixed());
  if (c.sign.has_value()) SEDUN_RETURN_IF_ERROR(PutSlot(w, KeySlotId::kSign, *c.sign));
  if (c.encrypt.has_value()) SEDUN_RETURN_IF_ERROR(PutSlot(w, KeySlotId::kEncrypt, *c.encrypt));
  return w.ClosePrefixed();
}

Status EncodeBody(const CardState& s, ByteWriter& w) {
  uint8_t lifecycle = static_cast<uint8_t>(s.lifecycle);
  ByteWriter num;
  num.PutU64(s.generation);
  ByteWriter cap;
  cap.PutU32(s.capacity);
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagSerial, s.serial));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagLifecycle, ByteView(&lifecycle, 1)));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagGeneration, num.bytes()));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagCapacity, cap.bytes()));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagPinSalt, s.pin_salt.view()));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagIssuerKeys, s.issuer_keys.view()));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagClientKeys, s.client_keys.view()));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagTrustAnchor, s.trust_anchor));
  SEDUN_RETURN_IF_ERROR(PutRecord(w, kTagServerCertificate, s.server_certificate));
  Bytes user = PinValue(s.user_pin);
  Bytes admin = PinValue(s.admin_pin);
  Status st = PutRecord(w, kTagUserPin, user);
  if (st.ok()) st = PutRecord(w, kTagAdminPin, admin);
  SecureWipe(user.data(), user.size());
  SecureWipe(admin.data(), admin.size());
  SEDUN_RETURN_IF_ERROR(st);
  for (const Container& c : s.containers) SEDUN_RETURN_IF_ERROR(PutContainer(w, c));
  return Status::Ok();
}

// --- decoding -------------------------------------------------------------------------------

// Reads the next record, which must carry `tag`.
Status ReadRecord(ByteReader& r, uint8_t tag, ByteView* out) {
  uint8_t t;
  if (!r.ReadU8(&t)) return Bad("record " + std::to_string(tag) + " missing");
  if (t != tag) return Bad("record " + std::to_string(t) + " where " + std::to_string(tag) + " was expected");
  if (!r.ReadU32Prefixed(out)) return Bad("record " + std::to_string(tag) + " truncated");
  return Status::Ok();
}

Status ReadFixed(ByteReader& r, uint8_t tag, size_t size, ByteView* out) {
  SEDUN_RETURN_IF_ERROR(ReadRecord(r, tag, out));
  if (out->size() != size) return Bad("record " + std::to_string(tag) + " has the wrong size");
  return Status::Ok();
}

Status ReadPin(ByteReader& r, uint8_t tag, PinRecord* out) {
  ByteView v;
  SEDUN_RETURN_IF_ERROR(ReadRecord(r, tag, &v));
  ByteReader pr(v);
  uint8_t set, limit, tries;
  ByteView verifier;
  if (!pr.ReadU8(&set) || !pr.ReadU8(&limit) || !pr.ReadU8(&tries) || !pr.ReadU8Prefixed(&verifier)) {
    return Bad("PIN record truncated");
  }
  SEDUN_RETURN_IF_ERROR(pr.ExpectEnd("card image: PIN record"));
  if (set > 1) return Bad("PIN record flag");
  out->set = set == 1;
  out->retry_limit = limit;
  out->tries_left = tries;
  out->verifier = SecretBytes(verifier);
  return Status::Ok();
}

Status ReadSlot(ByteReader& r, KeySlot* out) {
  ByteView priv, pub, cert;
  if (!r.ReadU8Prefixed(&priv) || !r.ReadU8Prefixed(&pub) || !r.ReadU32Prefixed(&cert)) {
    return Bad("key slot truncated");
  }
  out->private_key = SecretBytes(priv);
  out->public_key = ToBytes(pub);
  out->certificate = ToBytes(cert);
  return Status::Ok();
}

Status ReadContainer(ByteView value, Container* out) {
  ByteReader r(value);
  ByteView name;
  if (!r.ReadU8Prefixed(&name)) return Bad("container name truncated");
  out->name = std::string(AsChars(name));
  uint8_t last_slot = 0;
  while (!r.empty()) {
    uint8_t id;
    if (!r.ReadU8(&id)) return Bad("key slot truncated");
    // Slots appear at most once each, sign (01) before encrypt (02): one encoding per state.
    if (id <= last_slot || id > static_cast<uint8_t>(KeySlotId::kEncrypt)) return Bad("key slot id");
    last_slot = id;
    KeySlot slot;
    SEDUN_RETURN_IF_ERROR(ReadSlot(r, &slot));
    out->slot(static_cast<KeySlotId>(id)) = std::move(slot);
  }
  return Status::Ok();
}

Status DecodeBody(ByteView body, CardState* s) {
  ByteReader r(body);
  ByteView v;
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagSerial, kSerialSize, &v));
  s->serial = ToBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagLifecycle, 1, &v));
  if (!ValidLifecycle(v[0])) return Bad("lifecycle value");
  s->lifecycle = static_cast<Lifecycle>(v[0]);
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagGeneration, 8, &v));
  ByteReader g(v);
  if (!g.ReadU64(&s->generation)) return Bad("generation");
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagCapacity, 4, &v));
  ByteReader c(v);
  if (!c.ReadU32(&s->capacity)) return Bad("capacity");
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagPinSalt, kPinSaltSize, &v));
  s->pin_salt = SecretBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadFixed(r, kTagIssuerKeys, kKeySetSize, &v));
  s->issuer_keys = SecretBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadRecord(r, kTagClientKeys, &v));
  s->client_keys = SecretBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadRecord(r, kTagTrustAnchor, &v));
  s->trust_anchor = ToBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadRecord(r, kTagServerCertificate, &v));
  s->server_certificate = ToBytes(v);
  SEDUN_RETURN_IF_ERROR(ReadPin(r, kTagUserPin, &s->user_pin));
  SEDUN_RETURN_IF_ERROR(ReadPin(r, kTagAdminPin, &s->admin_pin));
  while (!r.empty()) {
    SEDUN_RETURN_IF_ERROR(ReadRecord(r, kTagContainer, &v));
    Container container;
    SEDUN_RETURN_IF_ERROR(ReadContainer(v, &container));
    s->containers.push_back(std::move(container));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateCardState(const CardState& s) {
  if (s.format_version != kCardImageVersion) return Bad("format version");
  if (s.serial.size() != kSerialSize) return Bad("serial size");
  if (!ValidLifecycle(static_cast<uint8_t>(s.lifecycle))) return Bad("lifecycle value");
  if (s.pin_salt.size() != kPinSaltSize) return Bad("PIN salt size");
  if (s.issuer_keys.size() != kKeySetSize) return Bad("issuer key set size");
  if (!s.client_keys.empty() && s.client_keys.size() != kKeySetSize) return Bad("client key set size");
  SEDUN_RETURN_IF_ERROR(ValidatePin(s.user_pin, "user"));
  SEDUN_RETURN_IF_ERROR(ValidatePin(s.admin_pin, "admin"));
  // docs/apdu.md "Lifecycle": FINISH PERSONALISATION needs every item, so no later state lacks one.
  if (s.lifecycle != Lifecycle::kFactory &&
      (s.client_keys.empty() || s.trust_anchor.empty() || s.server_certificate.empty() || !s.user_pin.set ||
       !s.admin_pin.set)) {
    return Bad("personalised state without its personalisation data");
  }
  if (!s.server_certificate.empty() && s.trust_anchor.empty()) return Bad("server certificate without trust anchor");
  std::set<std::string> names;
  for (const Container& c : s.containers) {
    if (c.name.empty() || c.name.size() > kMaxContainerName) return Bad("container name length");
    if (!names.insert(c.name).second) return Bad("container name repeated");
    if (c.sign.has_value()) SEDUN_RETURN_IF_ERROR(ValidateSlot(*c.sign));
    if (c.encrypt.has_value()) SEDUN_RETURN_IF_ERROR(ValidateSlot(*c.encrypt));
  }
  return Status::Ok();
}

Result<SecretBytes> EncodeCardImage(const CardState& state) {
  Status valid = ValidateCardState(state);
  if (!valid.ok()) return InvalidArgument(valid.message());
  ByteWriter w;
  w.PutBytes(Magic());
  w.PutU16(kCardImageVersion);
  w.OpenPrefixed(4);
  Status st = EncodeBody(state, w);
  if (st.ok()) st = w.ClosePrefixed();
  Result<Bytes> out = st.ok() ? w.Finish() : Result<Bytes>(st);
  if (!out.ok()) return out.status();
  SecretBytes image(*out);
  SecureWipe(out->data(), out->size());
  if (image.size() + kDigestSize > kMaxCardImageSize) return ResourceExhausted("card image too large");
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest digest, crypto::Sm3Hash(image.view()));
  image.Append(digest);
  return image;
}

Result<CardState> DecodeCardImage(ByteView image) {
  if (image.size() > kMaxCardImageSize) return Bad("larger than the limit");
  if (image.size() < kHeaderSize + kDigestSize) return Bad("truncated");
  ByteView content = image.first(image.size() - kDigestSize);
  ByteView digest = image.last(kDigestSize);
  ByteReader r(content);
  ByteView magic;
  uint16_t version;
  ByteView body;
  if (!r.ReadBytes(kCardImageMagicSize, &magic) || !std::equal(magic.begin(), magic.end(), Magic().begin())) {
    return Bad("not a sedun card image (magic)");
  }
  if (!r.ReadU16(&version)) return Bad("truncated");
  if (version != kCardImageVersion) return Bad("unsupported version " + std::to_string(version));
  if (!r.ReadU32Prefixed(&body)) return Bad("body length beyond the file");
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd("card image body"));
  // The digest is checked before any record is read, so a torn file never reaches the parser's
  // field checks with half-old, half-new content.
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest expected, crypto::Sm3Hash(content));
  if (!crypto::ConstantTimeEqual(expected, digest)) return Bad("digest mismatch");
  CardState state;
  state.format_version = version;
  SEDUN_RETURN_IF_ERROR(DecodeBody(body, &state));
  SEDUN_RETURN_IF_ERROR(ValidateCardState(state));
  return state;
}

}  // namespace sedun::se
