// `fundlog import FILE.se|.si [--fund F]`: the SIE 4 path of import.
#ifndef FUNDLOG_TOOLS_FUNDLOG_SIE_IMPORT_COMMAND_H_
#define FUNDLOG_TOOLS_FUNDLOG_SIE_IMPORT_COMMAND_H_

#include "tools/fundlog/cli.h"

namespace fundlog::cli {

// Whether `import`'s arguments name an SIE file (by extension).
bool IsSieImport(const Args& args);

// Imports the one SIE file args name. All or nothing: a first streamed pass
// checks the whole file (and refuses one already imported) before a second
// pass appends it in batches of vouchers, so memory holds one batch.
int RunSieImport(const Args& args, const Context& context);

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_SIE_IMPORT_COMMAND_H_
