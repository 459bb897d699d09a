#ifndef TICKETING_SERVER_DOMAIN_ACCOUNTS_CLASSIFICATION_H_
#define TICKETING_SERVER_DOMAIN_ACCOUNTS_CLASSIFICATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::domain {

// Key-account classification: which service tier each account gets from its figures.
// Sales follow the 80/20 rule inside each channel tier, not across the business, so every
// channel tier (CHANNEL_TIER_UNSPECIFIED included, as a group of its own) is ranked apart.
//
// Within one channel tier:
//   - Key by sales: sort the accounts by sales_current, largest first, and take the
//     shortest prefix whose cumulative sales reach key_share_percent of the tier's total.
//     Accounts with no sales never take part; a tier without sales has no such set.
//   - Key by profit: the same over the accounts with profit_current > 0 (the total is the
//     sum of the positive profits; losses neither enter the set nor shrink the total).
//   - KEY: in either set.
//   - POTENTIAL_KEY (only if not KEY): potential_key_flag, or the growth rule: it is on
//     (potential_growth_percent > 0), sales_previous > 0, sales_current is at least
//     potential_min_sales and grew by at least potential_growth_percent over
//     sales_previous.
//   - STANDARD otherwise.
//
// Ties: accounts with equal figures are ranked by id ascending (byte order), so at the
// boundary of a set the account with the smaller id gets in. Example with share 70 and
// sales z=40, y=30, x=30 (total 100): z reaches 40%, x (before y) reaches 70%, so the set is
// {z, x} and y stays out. The result never depends on the input order.
//
// All arithmetic is exact (128-bit); figures up to the int64 range are fine.

// The classification knobs (ClassificationConfig in config.proto, defaults resolved).
struct ClassificationRules {
  int key_share_percent = 80;        // 1..100
  int potential_growth_percent = 0;  // 0: growth rule off
  int64_t potential_min_sales = 0;   // minor units
};

// What the classification reads of one account. Money is in minor units.
struct AccountFigures {
  std::string id;
  v1::ChannelTier channel_tier = v1::CHANNEL_TIER_UNSPECIFIED;
  int64_t sales_current = 0;   // >= 0
  int64_t sales_previous = 0;  // >= 0
  int64_t profit_current = 0;  // may be negative
  bool potential_key_flag = false;
};

// The computed tier of one account and why.
struct Classification {
  v1::ServiceTier tier = v1::SERVICE_TIER_STANDARD;
  // One line for people, e.g. "key by sales: rank 2 of 14 in KA_RETAIL_CHAIN, cumulative
  // 71.3% of the tier's sales (threshold 80%)" or "potential key: flagged by hand".
  // Percentages are rounded down to one decimal, money shown in major units.
  std::string reason;
};

// OK, or INVALID_ARGUMENT naming the field, e.g. "classification.key_share_percent: must be
// 1-100". Checks: key_share_percent 1-100, potential_growth_percent and
// potential_min_sales not negative.
absl::Status CheckClassificationRules(const ClassificationRules& rules);

// The smallest set of the largest positive `values` whose sum reaches `share_percent` of
// the sum of all positive values (sum * 100 >= share_percent * total). Returns indexes
// into `values`, largest value first; equal values are ordered by `ids` ascending, which
// decides who gets in at the boundary. Values <= 0 never enter; empty if none is positive.
// Requires ids.size() == values.size() and share_percent in 1..100 (above 100 gives all
// positive values, below 1 the largest one).
std::vector<size_t> TopShareSet(const std::vector<int64_t>& values,
                                const std::vector<std::string>& ids, int share_percent);

// The tier of every account, in input order, with the reason. Pure and deterministic.
// Requires rules that pass CheckClassificationRules.
std::vector<Classification> Classify(const std::vector<AccountFigures>& accounts,
                                     const ClassificationRules& rules);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ACCOUNTS_CLASSIFICATION_H_
