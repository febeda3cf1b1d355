#!/bin/sh
# A `fundlog` that lies: it answers `append` with exit 0 without appending
# and passes every other command to the real binary ($FUNDLOG_REAL). The
# ctest test stress_catches_a_lying_writer runs fundlog_stress against it to
# show that the stress tool notices an acknowledged append that is not there.
if [ "$3" = append ]; then
  exit 0
fi
exec "$FUNDLOG_REAL" "$@"
