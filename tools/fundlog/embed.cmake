# Writes OUTPUT, a C++ file defining fundlog::cli::EmbeddedData() as the
# bytes of INPUT. Run with cmake -P at build time.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
"// Generated from ${INPUT} by embed.cmake; do not edit.
#include \"tools/fundlog/embedded_data.h\"

namespace fundlog::cli {
namespace {
const char kBytes[] = {
${bytes}
};
}  // namespace

absl::string_view EmbeddedData() { return absl::string_view(kBytes, ${byte_count}); }

}  // namespace fundlog::cli
")
