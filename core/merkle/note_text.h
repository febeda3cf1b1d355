// Private: the character-level rules of C2SP signed notes and key texts.
//
// Thread-safe: pure functions.
#ifndef FUNDLOG_CORE_MERKLE_NOTE_TEXT_H_
#define FUNDLOG_CORE_MERKLE_NOTE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog::merkle::internal {

// OK if `text` is valid UTF-8 with no ASCII control character but "\n"
// (signed-note spec); kInvalidArgument naming `what` and the byte offset.
absl::Status CheckNoteCharacters(absl::string_view what, std::string_view text);

// Decodes standard padded base64 (RFC 4648 §4), the encoding Go's
// base64.StdEncoding reads: length a multiple of 4, the 64-letter alphabet,
// '=' only as the final one or two characters. kInvalidArgument otherwise.
absl::StatusOr<std::string> DecodePaddedBase64(absl::string_view what,
                                               std::string_view text);

// Parses exactly 8 hex digits (either case) as a key id.
absl::StatusOr<uint32_t> ParseKeyIdHex(std::string_view text);

// The bytes of a key id, big-endian, as they prefix a note signature.
std::string KeyIdBytes(uint32_t key_id);

// One signature line of a note: who claims to have signed, and the bytes
// after the 4-byte key id.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;
};

// A note split into its signed text (ending in "\n") and its parsed
// signature lines, none verified. kInvalidArgument for a malformed note
// (signed-note syntax, more than kNoteSignaturesMax lines, over
// kNoteBytesMax): one malformed line makes the whole note malformed.
struct ParsedNote {
  std::string text;
  std::vector<NoteSignature> signatures;
};
absl::StatusOr<ParsedNote> ParseNote(std::string_view note_text);

}  // namespace fundlog::merkle::internal

#endif  // FUNDLOG_CORE_MERKLE_NOTE_TEXT_H_
