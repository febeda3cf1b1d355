#include "core/formats/sie/sie_synth.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "core/formats/sie/sie_text.h"

namespace fundlog::sie {
namespace {

struct ChartAccount {
  const char* number;
  const char* name;
  const char* type;
};

// A small BAS-like chart; numbers and names are illustrative.
constexpr ChartAccount kChart[] = {
    {"1220", "Inventarier och verktyg", "T"},
    {"1510", "Kundfordringar", "T"},
    {"1910", "Kassa", "T"},
    {"1930", "Företagskonto", "T"},
    {"2010", "Eget kapital", "S"},
    {"2440", "Leverantörsskulder", "S"},
    {"2610", "Utgående moms", "S"},
    {"2640", "Ingående moms", "S"},
    {"3010", "Försäljning varor", "I"},
    {"3040", "Försäljning tjänster", "I"},
    {"4010", "Inköp material och varor", "K"},
    {"5010", "Lokalhyra", "K"},
    {"5460", "Förbrukningsmaterial", "K"},
    {"6110", "Kontorsmateriel", "K"},
    {"6250", "Porto", "K"},
    {"7010", "Löner till tjänstemän", "K"},
    {"7690", "Övriga personalkostnader", "K"},
    {"8310", "Ränteintäkter", "I"},
};
constexpr int kChartSize = sizeof(kChart) / sizeof(kChart[0]);

std::string Amount(int64_t ore) {
  const uint64_t magnitude = ore < 0 ? 0 - static_cast<uint64_t>(ore) : ore;
  return absl::StrFormat("%s%d.%02d", ore < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100);
}

std::string Day(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

// Draws the vouchers; calls `row` for each (voucher index, account, amount)
// and `voucher` before each voucher's rows.
template <typename VoucherFn, typename RowFn>
void Draw(const SynthOptions& options, VoucherFn voucher, RowFn row) {
  std::mt19937_64 random(options.seed);
  const absl::CivilDay start(options.year, 1, 1);
  for (uint64_t v = 0; v < options.vouchers; ++v) {
    const int day_offset = static_cast<int>(v * 365 / options.vouchers);
    voucher(v, start + day_offset, random());
    const int rows = 2 + static_cast<int>(random() % 4);
    int64_t sum = 0;
    for (int r = 0; r < rows; ++r) {
      const int account = static_cast<int>(random() % kChartSize);
      const int64_t amount =
          r + 1 < rows ? static_cast<int64_t>(random() % 2'000'000) - 1'000'000
                       : -sum;
      sum += amount;
      row(account, amount, random());
    }
  }
}

}  // namespace

void GenerateSyntheticSie(const SynthOptions& options,
                          const std::function<void(absl::string_view)>& write) {
  // Pass 1: the closing figures the file will state.
  std::mt19937_64 opening_random(options.seed ^ 0x9E3779B97F4A7C15ull);
  std::vector<int64_t> opening(kChartSize, 0), sums(kChartSize, 0);
  int64_t opening_sum = 0;
  for (int a = 0; a < kChartSize; ++a) {
    if (kChart[a].type[0] != 'T' && kChart[a].type[0] != 'S') continue;
    if (std::string(kChart[a].number) == "2010") continue;
    opening[a] = static_cast<int64_t>(opening_random() % 100'000'000) *
                 (kChart[a].type[0] == 'T' ? 1 : -1);
    opening_sum += opening[a];
  }
  for (int a = 0; a < kChartSize; ++a) {
    if (std::string(kChart[a].number) == "2010") opening[a] = -opening_sum;
    sums[a] = opening[a];
  }
  Draw(
      options, [](uint64_t, absl::CivilDay, uint64_t) {},
      [&](int account, int64_t amount, uint64_t) { sums[account] += amount; });

  // Pass 2: the text, with #KSUMMA over what the importer checks.
  uint32_t crc = 0;
  Line line;
  std::string chunk;
  auto emit = [&](const std::string& utf8_line) {
    const std::string raw = Utf8ToCp437(utf8_line);
    Tokenize(raw, &line, &crc).IgnoreError();  // our own lines: well formed
    absl::StrAppend(&chunk, raw, "\r\n");
    if (chunk.size() > (1 << 20)) {
      write(chunk);
      chunk.clear();
    }
  };
  write("#FLAGGA 0\r\n#KSUMMA\r\n");
  emit("#PROGRAM fundlog-synth 1");
  emit("#FORMAT PC8");
  emit(absl::StrCat("#GEN ", options.year + 1, "0115"));
  emit("#SIETYP 4");
  emit(absl::StrCat("#PROSA \"synthetic SIE file, fundlog generator, seed ",
                    options.seed, "; not real bookkeeping\""));
  emit(absl::StrCat("#FNAMN \"Syntetiskt Bolag åäö (synthetic, seed ",
                    options.seed, ")\""));
  emit("#ORGNR 000000-0000");
  emit(absl::StrCat("#RAR 0 ", options.year, "0101 ", options.year, "1231"));
  for (const ChartAccount& a : kChart) {
    emit(absl::StrCat("#KONTO ", a.number, " \"", a.name, "\""));
    emit(absl::StrCat("#KTYP ", a.number, " ", a.type));
  }
  for (int a = 0; a < kChartSize; ++a) {
    const bool result = kChart[a].type[0] == 'I' || kChart[a].type[0] == 'K';
    if (!result && opening[a] != 0) {
      emit(absl::StrCat("#IB 0 ", kChart[a].number, " ", Amount(opening[a])));
    }
    emit(absl::StrCat(result ? "#RES 0 " : "#UB 0 ", kChart[a].number, " ",
                      Amount(sums[a])));
  }
  Draw(
      options,
      [&](uint64_t v, absl::CivilDay day, uint64_t r) {
        if (v > 0) emit("}");
        emit(absl::StrCat("#VER ", r % 3 == 0 ? "A" : "B", " ", v + 1, " ",
                          Day(day), " \"Syntetisk verifikation ", v + 1,
                          " å\" ", Day(day + 1)));
        emit("{");
      },
      [&](int account, int64_t amount, uint64_t r) {
        emit(absl::StrCat("#TRANS ", kChart[account].number, " {",
                          r % 5 == 0 ? absl::StrCat("1 \"", r % 7, "\"") : "",
                          "} ", Amount(amount)));
      });
  if (options.vouchers > 0) emit("}");
  absl::StrAppend(&chunk, "#KSUMMA ", crc, "\r\n");
  write(chunk);
}

}  // namespace fundlog::sie
