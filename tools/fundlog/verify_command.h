// `fundlog verify`, and the checkpoint helpers it and the report share.
#ifndef FUNDLOG_TOOLS_FUNDLOG_VERIFY_COMMAND_H_
#define FUNDLOG_TOOLS_FUNDLOG_VERIFY_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/store/event_log.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {

CommandSpec VerifySpec();
int RunVerify(const Args& args, const Context& context);

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_VERIFY_COMMAND_H_
