# Writes OUTPUT, a C++ file defining fundlog::serve::WebFiles() as the
# bytes of every file under WEB_DIR (named by their path relative to it).
# Run with cmake -P at build time.
file(GLOB_RECURSE files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(SORT files)
set(arrays "")
set(entries "")
set(index 0)
foreach(name IN LISTS files)
  file(READ "${WEB_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR byte_count "${hex_length} / 2")
  if(byte_count EQUAL 0)
    set(bytes "0")
  else()
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
    string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" bytes "${bytes}")
  endif()
  string(APPEND arrays "const char kFile${index}[] = {\n${bytes}\n};\n")
  string(APPEND entries "    {\"${name}\", absl::string_view(kFile${index}, ${byte_count})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${WEB_DIR} by embed_web.cmake; do not edit.
#include \"core/serve/web_files.h\"

namespace fundlog::serve {
namespace {
${arrays}
const WebFile kFiles[] = {
${entries}};
}  // namespace

absl::Span<const WebFile> WebFiles() { return absl::MakeConstSpan(kFiles); }

}  // namespace fundlog::serve
")
# Only touch OUTPUT when it changed, so that an unchanged page rebuilds
# nothing.
configure_file("${OUTPUT}.tmp" "${OUTPUT}" COPYONLY)
