// The free functions of ledger.h: fold the records, ask the projector.
#include "core/ledger/ledger.h"

#include "absl/strings/str_cat.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {
namespace {

absl::StatusOr<Projector> Fold(absl::Span<const v1::StoredRecord> records) {
  Projector projector;
  for (const v1::StoredRecord& record : records) {
    if (auto s = projector.Add(record); !s.ok()) return s;
  }
  return projector;
}

}  // namespace

absl::StatusOr<View> ParseView(absl::string_view name) {
  for (View view : kAllViews) {
    if (ViewName(view) == name) return view;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown view \"", name.substr(0, 40),
                   "\" (want reported, without-change or restated)"));
}

absl::string_view ViewName(View view) {
  switch (view) {
    case View::kReported:
      return "reported";
    case View::kWithoutChange:
      return "without-change";
    case View::kRestated:
      return "restated";
  }
  return "reported";
}

absl::StatusOr<std::vector<AccountRange>> Balances(
    absl::Span<const v1::StoredRecord> records, const BalanceQuery& query) {
  auto projector = Fold(records);
  if (!projector.ok()) return projector.status();
  return projector->BalancesAt(query);
}

absl::StatusOr<std::vector<Posting>> Postings(
    absl::Span<const v1::StoredRecord> records, const BalanceQuery& query) {
  auto projector = Fold(records);
  if (!projector.ok()) return projector.status();
  return projector->PostingsAt(query);
}

absl::StatusOr<Statement> YearStatement(
    absl::Span<const v1::StoredRecord> records, const StatementQuery& query) {
  auto projector = Fold(records);
  if (!projector.ok()) return projector.status();
  return projector->StatementFor(query);
}

absl::StatusOr<std::vector<KindTotal>> Totals(
    absl::Span<const v1::StoredRecord> records, const TotalsQuery& query) {
  auto projector = Fold(records);
  if (!projector.ok()) return projector.status();
  return projector->TotalsFor(query);
}

}  // namespace fundlog::ledger
