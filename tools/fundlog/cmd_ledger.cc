// balance, statement, totals, correct, seal, rebuild, synth.
#include "tools/fundlog/cli.h"

namespace fundlog::cli {

std::vector<Command> LedgerCommands() { return {}; }

}  // namespace fundlog::cli
