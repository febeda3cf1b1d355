// export: SIE 4, hledger journal and CSV (filled in by the formats issue).
#include "tools/fundlog/cli.h"

namespace fundlog::cli {

std::vector<Command> ExportCommands() { return {}; }

}  // namespace fundlog::cli
