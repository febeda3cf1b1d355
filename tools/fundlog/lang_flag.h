// --lang sv|en, shared by report, demo (and serve): the language of the
// text for people (core/audit/lang.h). JSON and CSV stay as they are.
#ifndef FUNDLOG_TOOLS_FUNDLOG_LANG_FLAG_H_
#define FUNDLOG_TOOLS_FUNDLOG_LANG_FLAG_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/audit/lang.h"
#include "tools/fundlog/args.h"

namespace fundlog::cli {

inline FlagSpec LangFlag() {
  return {"lang", "sv|en",
          "the language of the text: en (default) or sv (Swedish headings, "
          "labels and summaries, amounts as 10 000 000,00 kr)"};
}

// The language --lang names, English when absent; kInvalidArgument (a usage
// error) naming the flag for anything but sv or en.
inline absl::StatusOr<Lang> ReadLang(const Args& args) {
  std::optional<std::string> lang = args.Get("lang");
  if (!lang) return Lang::kEn;
  return ParseLang(*lang);
}

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_LANG_FLAG_H_
