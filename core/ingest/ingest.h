// core/ingest: an import as one transaction. Read, check, append, mark
// imported: every file of an import goes into the log in one synced write
// (an AppendSession), with each file's "already imported" mark, or nothing
// does. The CLI parses flags and prints; the transaction lives here.
// docs/ingest.md says how and what it costs.
//
// Thread-compatible: an import drives one EventLog from one thread (the log
// itself serialises writers; an append by another thread while an import is
// staged makes the import fail with kAborted, writing nothing).
#ifndef FUNDLOG_CORE_INGEST_INGEST_H_
#define FUNDLOG_CORE_INGEST_INGEST_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/formats/sie/sie_import.h"
#include "core/store/event_log.h"

namespace fundlog::ingest {

struct ImportRequest {
  // Event batch files (.textpb, .txtpb, .pbtxt, .json), or exactly one SIE 4
  // file (.se, .si): see IsSieFileName.
  std::vector<std::string> paths;
  // SIE only: the fund to import into; empty: "sie-<ORGNR digits>".
  std::string sie_fund_id;
  // SIE: import a file whose #UB/#RES contradict its #IB and vouchers, each
  // contradiction kept as a failing balance assertion (ImportOptions).
  bool sie_accept_findings = false;
};

// Points inside an import where tests inject a change or a failure.
struct ImportHooks {
  // SIE: after the checking pass, before the file is read again to stage.
  std::function<void()> after_check;
  // After each part (a file, or a batch of SIE vouchers) is staged, with
  // the number of events staged so far.
  std::function<void(uint64_t)> after_part;
};

struct ImportResult {
  uint64_t first_seq = 0;  // the first record written
  uint64_t new_size = 0;   // the log's size after the import
  uint64_t events = 0;     // records written
  size_t files = 0;
  std::optional<sie::ImportSummary> sie;  // set for an SIE import
};

// Imports the files `request` names into `log`, all or nothing. On any
// error nothing is written and the message (which names the file, and the
// line or event and field where there is one) ends "; nothing written":
//   kInvalidArgument   a file is malformed or an event fails validation; a
//                      file is given twice in the request (by name or by
//                      content); an SIE file is given with other files;
//   kNotFound          a file cannot be opened;
//   kAlreadyExists     a file with the same SHA-256 is already imported;
//   kAborted           an SIE file changed between the checking pass and
//                      the staging pass, or the log grew meanwhile;
//   kInternal          a read of an opened file failed (I/O error), the
//                      digest failed, or the write failed (the log is then
//                      poisoned until reopened);
//   other storage errors of `log`, unchanged.
absl::StatusOr<ImportResult> ImportFiles(EventLog& log,
                                         const ImportRequest& request,
                                         const ImportHooks& hooks = {});

// Whether `request` is an SIE import (some path names an SIE file).
bool IsSieRequest(const ImportRequest& request);

}  // namespace fundlog::ingest

#endif  // FUNDLOG_CORE_INGEST_INGEST_H_
