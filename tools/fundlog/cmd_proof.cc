// key, checkpoint, prove, consistency, verify-proof, verify.
#include "tools/fundlog/cli.h"

namespace fundlog::cli {

std::vector<Command> ProofCommands() { return {}; }

}  // namespace fundlog::cli
