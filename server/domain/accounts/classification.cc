#include "server/domain/accounts/classification.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace ticketing::domain {
namespace {

// Sums of up to ~1e4 figures of ~1e15 and the `* 100` comparisons overflow int64.
using Int128 = __int128;

// Where one account stands in its channel tier for one figure (sales or profit).
struct Standing {
  size_t rank = 0;                // 1-based, over all accounts of the tier
  bool in_set = false;            // in the top-share set
  int64_t cumulative_tenths = 0;  // in_set only: cumulative share in tenths of a percent
};

// What every reason of one channel tier needs.
struct TierContext {
  std::string tier_name;  // "KA_RETAIL_CHAIN"
  size_t size = 0;        // accounts in the tier
  const ClassificationRules& rules;
};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("classification.", field, ": ", problem));
}

// Indexes of all values: largest first, equal values by id, equal ids by index.
// Ties go by id, not by input order, so the sets never depend on how the store lists the
// accounts (docs/accounts.md, "Ties at the boundary"). The index decides only between equal
// ids, which keeps the comparison a strict order.
std::vector<size_t> RankOrder(const std::vector<int64_t>& values,
                              const std::vector<std::string>& ids) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (values[a] != values[b]) return values[a] > values[b];
    if (ids[a] != ids[b]) return ids[a] < ids[b];  // std::string compares bytes
    return a < b;
  });
  return order;
}

Int128 PositiveTotal(const std::vector<int64_t>& values) {
  Int128 total = 0;
  for (int64_t v : values) total += std::max<int64_t>(v, 0);
  return total;
}

// How many of the ranked values form the top-share set. Positive values sort first, so
// the loop only walks them; it ends early for any share <= 100.
size_t SetSize(const std::vector<size_t>& order, const std::vector<int64_t>& values,
               int share_percent) {
  const Int128 total = PositiveTotal(values);
  Int128 cumulative = 0;
  size_t k = 0;
  while (k < order.size() && values[order[k]] > 0) {
    cumulative += values[order[k]];
    ++k;
    // Tested after adding, so the account that reaches the share is in the set, and the set
    // is the shortest head that reaches it; exactly reaching it counts (>=). Cross-multiplied
    // in integers: no rounding can let a share just short of the threshold pass.
    if (cumulative * 100 >= Int128{share_percent} * total) break;
  }
  return k;
}

// part / whole in tenths of a percent, rounded down (shown next to a threshold, a share
// just below it must not read as reaching it).
int64_t TenthsOfPercent(Int128 part, Int128 whole) {
  return whole <= 0 ? 0 : static_cast<int64_t>(part * 1000 / whole);
}

std::string FormatTenths(int64_t tenths) {
  return absl::StrCat(tenths / 10, ".", tenths % 10, "%");
}

// Minor units as major units with two decimals: 123456 -> "1234.56".
std::string FormatMoney(int64_t minor) {
  // Negated as unsigned, so that INT64_MIN has a magnitude too.
  const uint64_t magnitude =
      minor < 0 ? uint64_t{0} - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(minor < 0 ? "-" : "", magnitude / 100, ".", cents < 10 ? "0" : "",
                      cents);
}

std::string ChannelTierName(v1::ChannelTier tier) {
  if (!v1::ChannelTier_IsValid(tier)) return absl::StrCat("UNKNOWN_", static_cast<int>(tier));
  absl::string_view name = v1::ChannelTier_Name(tier);
  absl::ConsumePrefix(&name, "CHANNEL_TIER_");
  return std::string(name);
}

std::vector<Standing> Standings(const std::vector<int64_t>& values,
                                const std::vector<std::string>& ids, int share_percent) {
  const std::vector<size_t> order = RankOrder(values, ids);
  const size_t set_size = SetSize(order, values, share_percent);
  const Int128 total = PositiveTotal(values);
  // Every account of the tier gets a rank, in or out of the set and whatever the sign of its
  // figure, so reasons read "rank 4 of 6"; only set members get a cumulative share.
  std::vector<Standing> standings(values.size());
  Int128 cumulative = 0;
  for (size_t r = 0; r < order.size(); ++r) {
    Standing& standing = standings[order[r]];
    standing.rank = r + 1;
    if (r >= set_size) continue;
    cumulative += values[order[r]];
    standing.in_set = true;
    standing.cumulative_tenths = TenthsOfPercent(cumulative, total);
  }
  return standings;
}

bool GrowsAsRuleAsks(const AccountFigures& account, const ClassificationRules& rules) {
  // Growth over nothing has no percentage, so accounts without previous sales are left to
  // the manual flag; the minimum keeps a tiny account that doubled its sales out.
  if (rules.potential_growth_percent <= 0 || account.sales_previous <= 0) return false;
  if (account.sales_current < rules.potential_min_sales) return false;
  const Int128 growth = Int128{account.sales_current} - account.sales_previous;
  return growth * 100 >= Int128{rules.potential_growth_percent} * account.sales_previous;
}

std::string KeyReason(const Standing& sales, const Standing& profit, const TierContext& tier) {
  const std::string threshold = absl::StrCat("(threshold ", tier.rules.key_share_percent, "%)");
  if (sales.in_set && profit.in_set) {
    return absl::StrCat("key by sales (rank ", sales.rank, " of ", tier.size, ", cumulative ",
                        FormatTenths(sales.cumulative_tenths), ") and by profit (rank ",
                        profit.rank, " of ", tier.size, ", cumulative ",
                        FormatTenths(profit.cumulative_tenths), ") in ", tier.tier_name, " ",
                        threshold);
  }
  const bool by_sales = sales.in_set;
  const Standing& standing = by_sales ? sales : profit;
  return absl::StrCat("key by ", by_sales ? "sales" : "profit", ": rank ", standing.rank,
                      " of ", tier.size, " in ", tier.tier_name, ", cumulative ",
                      FormatTenths(standing.cumulative_tenths), " of the tier's ",
                      by_sales ? "sales" : "positive profit", " ", threshold);
}

std::string GrowthReason(const AccountFigures& account, const ClassificationRules& rules) {
  const Int128 growth = Int128{account.sales_current} - account.sales_previous;
  std::string rule = absl::StrCat("at least ", rules.potential_growth_percent, "%");
  if (rules.potential_min_sales > 0) {
    absl::StrAppend(&rule, " with sales of at least ", FormatMoney(rules.potential_min_sales));
  }
  return absl::StrCat("potential key: sales grew ",
                      FormatTenths(TenthsOfPercent(growth, account.sales_previous)),
                      " over the previous period (rule: ", rule, ")");
}

std::string StandardReason(const Standing& sales, const Standing& profit,
                           const TierContext& tier) {
  return absl::StrCat("standard: sales rank ", sales.rank, " of ", tier.size,
                      " and profit rank ", profit.rank, " of ", tier.size, " in ",
                      tier.tier_name, " are outside the ", tier.rules.key_share_percent,
                      "% sets");
}

Classification ClassifyOne(const AccountFigures& account, const Standing& sales,
                           const Standing& profit, const TierContext& tier) {
  // KEY first: the flag and the growth rule decide only among accounts that are not key
  // (docs/accounts.md, "Classification", step 4).
  if (sales.in_set || profit.in_set) {
    return {v1::SERVICE_TIER_KEY, KeyReason(sales, profit, tier)};
  }
  if (account.potential_key_flag) {
    return {v1::SERVICE_TIER_POTENTIAL_KEY, "potential key: flagged by hand"};
  }
  if (GrowsAsRuleAsks(account, tier.rules)) {
    return {v1::SERVICE_TIER_POTENTIAL_KEY, GrowthReason(account, tier.rules)};
  }
  return {v1::SERVICE_TIER_STANDARD, StandardReason(sales, profit, tier)};
}

// Classifies the accounts at `members` (one channel tier, input order) into `out`.
void ClassifyTier(const std::vector<AccountFigures>& accounts,
                  const std::vector<size_t>& members, const ClassificationRules& rules,
                  std::vector<Classification>& out) {
  std::vector<int64_t> sales, profit;
  std::vector<std::string> ids;
  for (size_t i : members) {
    sales.push_back(accounts[i].sales_current);
    profit.push_back(accounts[i].profit_current);
    ids.push_back(accounts[i].id);
  }
  // Ranked on each figure separately: KEY is the union of the two sets, which differ
  // because costs differ by account.
  const std::vector<Standing> by_sales = Standings(sales, ids, rules.key_share_percent);
  const std::vector<Standing> by_profit = Standings(profit, ids, rules.key_share_percent);
  const TierContext tier{ChannelTierName(accounts[members.front()].channel_tier),
                         members.size(), rules};
  for (size_t j = 0; j < members.size(); ++j) {
    out[members[j]] = ClassifyOne(accounts[members[j]], by_sales[j], by_profit[j], tier);
  }
}

}  // namespace

absl::Status CheckClassificationRules(const ClassificationRules& rules) {
  if (rules.key_share_percent < 1 || rules.key_share_percent > 100) {
    return Invalid("key_share_percent", "must be 1-100");
  }
  if (rules.potential_growth_percent < 0) {
    return Invalid("potential_growth_percent", "must not be negative");
  }
  if (rules.potential_min_sales < 0) return Invalid("potential_min_sales", "must not be negative");
  return absl::OkStatus();
}

std::vector<size_t> TopShareSet(const std::vector<int64_t>& values,
                                const std::vector<std::string>& ids, int share_percent) {
  std::vector<size_t> order = RankOrder(values, ids);
  order.resize(SetSize(order, values, share_percent));
  return order;
}

std::vector<Classification> Classify(const std::vector<AccountFigures>& accounts,
                                     const ClassificationRules& rules) {
  // Keyed by the raw number so that values outside the enum still group (proto3 enums
  // are open).
  std::map<int, std::vector<size_t>> tiers;
  for (size_t i = 0; i < accounts.size(); ++i) {
    tiers[static_cast<int>(accounts[i].channel_tier)].push_back(i);
  }
  std::vector<Classification> out(accounts.size());
  for (const auto& [tier, members] : tiers) ClassifyTier(accounts, members, rules, out);
  return out;
}

}  // namespace ticketing::domain
