// fundlog_stress's command line (usage in stress.h).
#include <iostream>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "tools/stress/stress.h"

namespace fundlog::stress {
namespace {

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc && flag != "--replace") return false;
    if (flag == "--replace") {
      flags->replace = true;
      continue;
    }
    const std::string value = argv[++i];
    if (flag == "--fundlog") {
      flags->fundlog = value;
    } else if (flag == "--dir") {
      flags->dir = value;
    } else if (flag == "--kills") {
      if (!absl::SimpleAtoi(value, &flags->kills) || flags->kills < 1) {
        return false;
      }
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value, &flags->seed)) return false;
      flags->seed_given = true;
    } else if (flag == "--readers") {
      if (!absl::SimpleAtoi(value, &flags->readers) || flags->readers < 0) {
        return false;
      }
    } else if (flag == "--kill-max-ms") {
      if (!absl::SimpleAtoi(value, &flags->kill_max_ms) ||
          flags->kill_max_ms < 2) {
        return false;
      }
    } else {
      return false;
    }
  }
  return !flags->fundlog.empty() && !flags->dir.empty();
}

}  // namespace
}  // namespace fundlog::stress

int main(int argc, char** argv) {
  fundlog::stress::Flags flags;
  if (!fundlog::stress::ParseFlags(argc, argv, &flags)) {
    std::cerr << "usage: fundlog_stress --fundlog PATH --dir NEWDIR "
                 "[--kills N] [--seed S] [--readers R] [--kill-max-ms M] "
                 "[--replace]\n";
    return 2;
  }
  if (!flags.seed_given) flags.seed = std::random_device{}();
  return fundlog::stress::Stress(std::move(flags)).Main();
}
