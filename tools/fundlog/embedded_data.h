// The Trelleborg history (data/trelleborg_social_investment_fund.textpb),
// compiled into the binary so `fundlog demo` works from any directory.
#ifndef FUNDLOG_TOOLS_FUNDLOG_EMBEDDED_DATA_H_
#define FUNDLOG_TOOLS_FUNDLOG_EMBEDDED_DATA_H_

#include "absl/strings/string_view.h"

namespace fundlog::cli {

inline constexpr char kEmbeddedDataName[] =
    "trelleborg_social_investment_fund.textpb";

// The file's bytes, exactly as in data/.
absl::string_view EmbeddedData();

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_EMBEDDED_DATA_H_
