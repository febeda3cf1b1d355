// One-line descriptions of events for people: the timeline and the report.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_AUDIT_DESCRIBE_H_
#define FUNDLOG_CORE_AUDIT_DESCRIBE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/audit/lang.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// "2011-11-03", "2011-01-01..2017-12-31", or "2021-11-03..(open)" ("(öppen)"
// in Swedish).
std::string EffectiveText(const v1::Effective& effective,
                          Lang lang = Lang::kEn);
// The first and last day of the effective time; `to` is empty when open.
std::string EffectiveFrom(const v1::Effective& effective);
std::string EffectiveTo(const v1::Effective& effective);

// What the event says, in one line, amounts in kronor. In Swedish the
// governance and money facts are Swedish; accounting facts stay English.
std::string Summarize(const v1::Event& event, Lang lang = Lang::kEn);

// The amount a money fact states (allocation, use, repayment, and a
// budget-frame use that gives one); nullopt for every other event.
std::optional<int64_t> StatedAmount(const v1::Event& event);

// "title, ref KS 2021/568, 2021-11-03" (the parts that are present).
std::string SourceText(const v1::Source& source);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_DESCRIBE_H_
