// The ledger's rules for records, as the store asks for them
// (core/store/record_rules.h): validation (validate.h) and the index
// entries an event implies (index_entries.h). Every process that appends to
// a log or rebuilds its index opens it with them:
//   EventLog::Open({.path = dir, .rules = &ledger::Rules()})
//
// Thread-safe: the rules are stateless.
#ifndef FUNDLOG_CORE_LEDGER_RECORD_RULES_H_
#define FUNDLOG_CORE_LEDGER_RECORD_RULES_H_

#include "core/store/record_rules.h"

namespace fundlog::ledger {

// One instance for the process; never destroyed.
const RecordRules& Rules();

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_RECORD_RULES_H_
