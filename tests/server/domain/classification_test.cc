#include "server/domain/accounts/classification.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

using Int128 = __int128;

AccountFigures Account(std::string id, v1::ChannelTier tier, int64_t sales, int64_t profit = 0) {
  AccountFigures account;
  account.id = std::move(id);
  account.channel_tier = tier;
  account.sales_current = sales;
  account.profit_current = profit;
  return account;
}

std::vector<v1::ServiceTier> TiersOf(const std::vector<Classification>& classifications) {
  std::vector<v1::ServiceTier> tiers;
  for (const Classification& c : classifications) tiers.push_back(c.tier);
  return tiers;
}

constexpr v1::ServiceTier kKey = v1::SERVICE_TIER_KEY;
constexpr v1::ServiceTier kPotential = v1::SERVICE_TIER_POTENTIAL_KEY;
constexpr v1::ServiceTier kStandard = v1::SERVICE_TIER_STANDARD;

// ---------------------------------------------------------------------------------------
// Hand-computed examples.

TEST(ClassificationTest, SalesAndProfitSetsOfAHandComputedTierDiffer) {
  // KA_RETAIL_CHAIN, share 80.
  //   id  sales  profit
  //   a    400     10
  //   b    300    -20
  //   c    150     60
  //   d    100     25
  //   e     30      5   (flagged by hand)
  //   f     20      0
  // Sales: total 1000, threshold 800. a 400 (40%), b 700 (70%), c 850 (85%) -> {a, b, c}.
  // Profit: positives a, c, d, e, total 100, threshold 80. c 60 (60%), d 85 (85%) -> {c, d}.
  // Profit ranks over all six: c, d, a, e, f, b.
  // KEY = {a, b, c, d}; e is potential key by its flag; f is standard.
  std::vector<AccountFigures> accounts = {
      Account("a", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 400, 10),
      Account("b", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 300, -20),
      Account("c", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 150, 60),
      Account("d", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 100, 25),
      Account("e", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 30, 5),
      Account("f", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 20, 0),
  };
  accounts[4].potential_key_flag = true;

  const std::vector<Classification> result = Classify(accounts, ClassificationRules{});

  EXPECT_THAT(TiersOf(result), ElementsAre(kKey, kKey, kKey, kKey, kPotential, kStandard));
  EXPECT_EQ(result[0].reason,
            "key by sales: rank 1 of 6 in KA_RETAIL_CHAIN, cumulative 40.0% of the tier's "
            "sales (threshold 80%)");
  EXPECT_EQ(result[1].reason,
            "key by sales: rank 2 of 6 in KA_RETAIL_CHAIN, cumulative 70.0% of the tier's "
            "sales (threshold 80%)");
  EXPECT_EQ(result[2].reason,
            "key by sales (rank 3 of 6, cumulative 85.0%) and by profit (rank 1 of 6, "
            "cumulative 60.0%) in KA_RETAIL_CHAIN (threshold 80%)");
  EXPECT_EQ(result[3].reason,
            "key by profit: rank 2 of 6 in KA_RETAIL_CHAIN, cumulative 85.0% of the tier's "
            "positive profit (threshold 80%)");
  EXPECT_EQ(result[4].reason, "potential key: flagged by hand");
  EXPECT_EQ(result[5].reason,
            "standard: sales rank 6 of 6 and profit rank 5 of 6 in KA_RETAIL_CHAIN are outside "
            "the 80% sets");
}

// The table of docs/accounts.md, "Worked example", in thousands.
TEST(ClassificationTest, TheWorkedExampleOfDocsAccountsMd) {
  const v1::ChannelTier ka = v1::CHANNEL_TIER_KA_RETAIL_CHAIN;
  const std::vector<AccountFigures> tier = {
      Account("KA-A", ka, 500, 10), Account("KA-B", ka, 300, 40), Account("KA-C", ka, 200, 30),
      Account("KA-D", ka, 100, -20), Account("KA-E", ka, 60, 5), Account("KA-F", ka, 40, 0)};
  const std::vector<Classification> result = Classify(tier, ClassificationRules());
  EXPECT_THAT(TiersOf(result), ElementsAre(kKey, kKey, kKey, kStandard, kStandard, kStandard));
  EXPECT_THAT(result[0].reason, HasSubstr("key by sales: rank 1 of 6 in KA_RETAIL_CHAIN, cumulative 41.6%"));
  EXPECT_THAT(result[1].reason, HasSubstr("66.6%"));
  EXPECT_THAT(result[1].reason, HasSubstr("by profit (rank 1 of 6, cumulative 47.0%)"));
  EXPECT_THAT(result[2].reason, HasSubstr("82.3%"));
  AccountFigures grown = tier[4];
  grown.sales_previous = 40;
  ClassificationRules rules;
  rules.potential_growth_percent = 20;
  std::vector<AccountFigures> with_growth = tier;
  with_growth[4] = grown;
  EXPECT_EQ(Classify(with_growth, rules)[4].tier, kPotential);
}

TEST(ClassificationTest, TopShareSetReturnsIndexesLargestFirst) {
  // 10, 70, 20 of 100 at share 80: 70 (70%), then 20 (90%).
  EXPECT_THAT(TopShareSet({10, 70, 20}, {"a", "b", "c"}, 80), ElementsAre(1, 2));
}

// ---------------------------------------------------------------------------------------
// The boundary of a set.

TEST(ClassificationTest, AccountsReachingExactlyTheShareCloseTheSet) {
  // 50 + 30 = 80 of 100: exactly 80% is enough.
  EXPECT_THAT(TopShareSet({50, 30, 20}, {"a", "b", "c"}, 80), ElementsAre(0, 1));
  const std::vector<Classification> result =
      Classify({Account("a", v1::CHANNEL_TIER_DISTRIBUTOR, 50),
                Account("b", v1::CHANNEL_TIER_DISTRIBUTOR, 30),
                Account("c", v1::CHANNEL_TIER_DISTRIBUTOR, 20)},
               ClassificationRules{});
  EXPECT_THAT(TiersOf(result), ElementsAre(kKey, kKey, kStandard));
  EXPECT_THAT(result[1].reason, HasSubstr("cumulative 80.0% of the tier's sales"));
}

TEST(ClassificationTest, AShareJustMissedTakesOneMoreAccount) {
  // 50 + 29 = 79 of 100 misses 80%, so 21 joins.
  EXPECT_THAT(TopShareSet({50, 29, 21}, {"a", "b", "c"}, 80), ElementsAre(0, 1, 2));
}

TEST(ClassificationTest, ShownPercentagesAreRoundedDownSoTheyNeverOverstateTheShare) {
  // 7996 of 10000 is 79.96%: shown as 79.9%, not as a misleading 80.0%.
  const std::vector<Classification> result =
      Classify({Account("a", v1::CHANNEL_TIER_DISTRIBUTOR, 7996),
                Account("b", v1::CHANNEL_TIER_DISTRIBUTOR, 4),
                Account("c", v1::CHANNEL_TIER_DISTRIBUTOR, 2000)},
               ClassificationRules{});
  EXPECT_THAT(result[0].reason, HasSubstr("cumulative 79.9%"));
  EXPECT_THAT(TiersOf(result), ElementsAre(kKey, kStandard, kKey));
}

TEST(ClassificationTest, EqualSalesAtTheBoundaryAreDecidedByIdAscending) {
  // Share 70 of 100: z 40 (40%), then x and y tie at 30; x comes first by id and reaches 70%.
  // All profits are 0, so the profit ranks follow the ids alone: x, y, z.
  EXPECT_THAT(TopShareSet({30, 40, 30}, {"y", "z", "x"}, 70), ElementsAre(1, 2));
  ClassificationRules rules;
  rules.key_share_percent = 70;
  const std::vector<Classification> result =
      Classify({Account("y", v1::CHANNEL_TIER_SMALL_RETAIL, 30),
                Account("z", v1::CHANNEL_TIER_SMALL_RETAIL, 40),
                Account("x", v1::CHANNEL_TIER_SMALL_RETAIL, 30)},
               rules);
  EXPECT_THAT(TiersOf(result), ElementsAre(kStandard, kKey, kKey));
  EXPECT_EQ(result[0].reason,
            "standard: sales rank 3 of 3 and profit rank 2 of 3 in SMALL_RETAIL are outside the "
            "70% sets");
}

TEST(ClassificationTest, IdsCompareByBytesSoUppercaseComesBeforeLowercase) {
  // 'B' (0x42) < 'a' (0x61): B gets the only place.
  EXPECT_THAT(TopShareSet({50, 50}, {"a", "B"}, 50), ElementsAre(1));
}

TEST(ClassificationTest, AFullShareTakesEveryAccountWithSalesButNoneWithout) {
  EXPECT_THAT(TopShareSet({5, 0, 3}, {"a", "b", "c"}, 100), ElementsAre(0, 2));
}

TEST(ClassificationTest, FiguresNearTheInt64LimitAreComparedExactly) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // Three equal shares: two make 66.67%, which reaches 66% but not 67%.
  EXPECT_THAT(TopShareSet({kMax, kMax, kMax}, {"a", "b", "c"}, 66), ElementsAre(0, 1));
  EXPECT_THAT(TopShareSet({kMax, kMax, kMax}, {"a", "b", "c"}, 67), ElementsAre(0, 1, 2));
}

// ---------------------------------------------------------------------------------------
// Small and empty tiers, losses.

TEST(ClassificationTest, ASingleAccountTierIsKeyWhenItHasSales) {
  const std::vector<Classification> result =
      Classify({Account("only", v1::CHANNEL_TIER_CONSUMER, 1)}, ClassificationRules{});
  EXPECT_THAT(TiersOf(result), ElementsAre(kKey));
  EXPECT_EQ(result[0].reason,
            "key by sales: rank 1 of 1 in CONSUMER, cumulative 100.0% of the tier's sales "
            "(threshold 80%)");
}

TEST(ClassificationTest, ASingleAccountTierWithoutSalesOrProfitIsStandard) {
  const std::vector<Classification> result =
      Classify({Account("only", v1::CHANNEL_TIER_CONSUMER, 0)}, ClassificationRules{});
  EXPECT_THAT(TiersOf(result), ElementsAre(kStandard));
}

TEST(ClassificationTest, NobodyIsKeyBySalesWhenTheTierHasNoSales) {
  EXPECT_THAT(TopShareSet({0, 0, 0}, {"a", "b", "c"}, 80), IsEmpty());
  const std::vector<Classification> result =
      Classify({Account("a", v1::CHANNEL_TIER_SMALL_RETAIL, 0),
                Account("b", v1::CHANNEL_TIER_SMALL_RETAIL, 0),
                Account("c", v1::CHANNEL_TIER_SMALL_RETAIL, 0)},
               ClassificationRules{});
  EXPECT_THAT(TiersOf(result), ElementsAre(kStandard, kStandard, kStandard));
}

TEST(ClassificationTest, LossesNeverMakeAnAccountKeyNorCountInTheTotal) {
  // Positive profits 60 + 20 + 20 = 100 (the loss of 1000 is left out), share 75:
  // p 60 (60%), then q before r by id (80%).
  ClassificationRules rules;
  rules.key_share_percent = 75;
  EXPECT_THAT(TopShareSet({20, -1000, 60, 20}, {"r", "loss", "p", "q"}, 75), ElementsAre(2, 3));
  const std::vector<Classification> result =
      Classify({Account("r", v1::CHANNEL_TIER_DISTRIBUTOR, 0, 20),
                Account("loss", v1::CHANNEL_TIER_DISTRIBUTOR, 0, -1000),
                Account("p", v1::CHANNEL_TIER_DISTRIBUTOR, 0, 60),
                Account("q", v1::CHANNEL_TIER_DISTRIBUTOR, 0, 20)},
               rules);
  EXPECT_THAT(TiersOf(result), ElementsAre(kStandard, kStandard, kKey, kKey));
  EXPECT_EQ(result[3].reason,
            "key by profit: rank 2 of 4 in DISTRIBUTOR, cumulative 80.0% of the tier's "
            "positive profit (threshold 75%)");
  EXPECT_THAT(result[1].reason, HasSubstr("profit rank 4 of 4"));
}

TEST(ClassificationTest, ATierWithOnlyLossesHasNoKeyByProfit) {
  EXPECT_THAT(TopShareSet({-5, -1, 0}, {"a", "b", "c"}, 80), IsEmpty());
}

// ---------------------------------------------------------------------------------------
// Channel tiers.

TEST(ClassificationTest, ChannelTiersAreRankedIndependently) {
  // Distributors: 100 of 115 is 87% -> d1 is key with sales of only 100.
  // Retailers: four of 5000 make 20000 of 21000 (95%) after 15000 (71%) -> r5 with 1000,
  // ten times d1, stays standard. The unspecified group is a tier of its own.
  const std::vector<Classification> result =
      Classify({Account("r1", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 5000),
                Account("d1", v1::CHANNEL_TIER_DISTRIBUTOR, 100),
                Account("r2", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 5000),
                Account("u1", v1::CHANNEL_TIER_UNSPECIFIED, 1),
                Account("r3", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 5000),
                Account("d2", v1::CHANNEL_TIER_DISTRIBUTOR, 10),
                Account("r4", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 5000),
                Account("d3", v1::CHANNEL_TIER_DISTRIBUTOR, 5),
                Account("r5", v1::CHANNEL_TIER_KA_RETAIL_CHAIN, 1000)},
               ClassificationRules{});
  EXPECT_THAT(TiersOf(result), ElementsAre(kKey, kKey, kKey, kKey, kKey, kStandard, kKey,
                                           kStandard, kStandard));
  EXPECT_EQ(result[1].reason,
            "key by sales: rank 1 of 3 in DISTRIBUTOR, cumulative 86.9% of the tier's sales "
            "(threshold 80%)");
  EXPECT_EQ(result[3].reason,
            "key by sales: rank 1 of 1 in UNSPECIFIED, cumulative 100.0% of the tier's sales "
            "(threshold 80%)");
  EXPECT_EQ(result[8].reason,
            "standard: sales rank 5 of 5 and profit rank 5 of 5 in KA_RETAIL_CHAIN are outside "
            "the 80% sets");
}

// ---------------------------------------------------------------------------------------
// Potential key.

// The classification of `account` next to a giant of its channel tier that alone makes
// every key set, so `account` is never key.
Classification ClassifyBesideAGiant(const AccountFigures& account,
                                    const ClassificationRules& rules) {
  AccountFigures giant =
      Account("giant", account.channel_tier, 1'000'000'000'000, 1'000'000'000'000);
  return Classify({giant, account}, rules)[1];
}

AccountFigures Grower(int64_t previous, int64_t current) {
  AccountFigures account = Account("grower", v1::CHANNEL_TIER_SECOND_TIER_WHOLESALER, current);
  account.sales_previous = previous;
  return account;
}

ClassificationRules GrowthRule(int percent, int64_t min_sales) {
  ClassificationRules rules;
  rules.potential_growth_percent = percent;
  rules.potential_min_sales = min_sales;
  return rules;
}

TEST(ClassificationTest, AFlaggedAccountOutsideTheSetsIsPotentialKey) {
  AccountFigures flagged = Account("flagged", v1::CHANNEL_TIER_SMALL_RETAIL, 10);
  flagged.potential_key_flag = true;
  const Classification result = ClassifyBesideAGiant(flagged, ClassificationRules{});
  EXPECT_EQ(result.tier, kPotential);
  EXPECT_EQ(result.reason, "potential key: flagged by hand");
}

TEST(ClassificationTest, AFlaggedKeyAccountStaysKey) {
  AccountFigures flagged = Account("flagged", v1::CHANNEL_TIER_SMALL_RETAIL, 10);
  flagged.potential_key_flag = true;
  EXPECT_THAT(TiersOf(Classify({flagged}, ClassificationRules{})), ElementsAre(kKey));
}

TEST(ClassificationTest, GrowthAboveTheRuleMakesPotentialKey) {
  const Classification result =
      ClassifyBesideAGiant(Grower(100000, 135000), GrowthRule(20, 100000));
  EXPECT_EQ(result.tier, kPotential);
  EXPECT_EQ(result.reason,
            "potential key: sales grew 35.0% over the previous period (rule: at least 20% "
            "with sales of at least 1000.00)");
}

TEST(ClassificationTest, GrowthOfExactlyTheRuleMakesPotentialKey) {
  const Classification result = ClassifyBesideAGiant(Grower(100000, 120000), GrowthRule(20, 0));
  EXPECT_EQ(result.tier, kPotential);
  EXPECT_EQ(result.reason,
            "potential key: sales grew 20.0% over the previous period (rule: at least 20%)");
}

TEST(ClassificationTest, GrowthJustBelowTheRuleIsStandard) {
  EXPECT_EQ(ClassifyBesideAGiant(Grower(100000, 119999), GrowthRule(20, 0)).tier, kStandard);
}

TEST(ClassificationTest, GrowthBelowTheMinimumSalesIsStandard) {
  // 80% growth, but 900.00 of sales is below the 1000.00 the rule asks for.
  EXPECT_EQ(ClassifyBesideAGiant(Grower(50000, 90000), GrowthRule(20, 100000)).tier, kStandard);
  EXPECT_EQ(ClassifyBesideAGiant(Grower(50000, 100000), GrowthRule(20, 100000)).tier,
            kPotential);
}

TEST(ClassificationTest, GrowthFromNoPreviousSalesIsStandard) {
  EXPECT_EQ(ClassifyBesideAGiant(Grower(0, 200000), GrowthRule(20, 0)).tier, kStandard);
}

TEST(ClassificationTest, GrowthIsIgnoredWhenTheRuleIsOff) {
  EXPECT_EQ(ClassifyBesideAGiant(Grower(1, 1000000), GrowthRule(0, 0)).tier, kStandard);
}

// ---------------------------------------------------------------------------------------
// Rules.

TEST(ClassificationTest, RulesAcceptTheDefaultsAndTheShareLimits) {
  EXPECT_THAT(CheckClassificationRules(ClassificationRules{}), IsOk());
  ClassificationRules rules;
  rules.key_share_percent = 1;
  EXPECT_THAT(CheckClassificationRules(rules), IsOk());
  rules.key_share_percent = 100;
  EXPECT_THAT(CheckClassificationRules(rules), IsOk());
}

TEST(ClassificationTest, RulesRejectAShareOutside1To100NamingTheField) {
  for (int share : {0, 101, -5}) {
    ClassificationRules rules;
    rules.key_share_percent = share;
    EXPECT_THAT(CheckClassificationRules(rules),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "classification.key_share_percent: must be 1-100"))
        << share;
  }
}

TEST(ClassificationTest, RulesRejectNegativeGrowthAndMinimumSalesNamingTheField) {
  EXPECT_THAT(CheckClassificationRules(GrowthRule(-1, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("classification.potential_growth_percent")));
  EXPECT_THAT(CheckClassificationRules(GrowthRule(20, -1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("classification.potential_min_sales")));
}

// ---------------------------------------------------------------------------------------
// Properties over random tiers.

class RandomAccounts {
 public:
  explicit RandomAccounts(uint32_t seed) : rng_(seed) {}

  int64_t Pick(uint64_t n) {
    const uint64_t wide = (static_cast<uint64_t>(rng_()) << 32) | rng_();
    return static_cast<int64_t>(wide % n);
  }

  // 1-3 channel tiers of 1-40 accounts each, shuffled together.
  std::vector<AccountFigures> Accounts() {
    std::vector<int> channel_tiers = {0, 1, 2, 3, 4, 5, 6};
    Shuffle(channel_tiers);
    std::vector<AccountFigures> accounts;
    for (int t = 1 + Pick(3); t > 0; --t) {
      const auto tier = static_cast<v1::ChannelTier>(channel_tiers[t - 1]);
      std::vector<int64_t> sales, profits;
      for (int n = 1 + Pick(40); n > 0; --n) {
        AccountFigures account = Account(Id(accounts.size()), tier, Figure(sales));
        account.profit_current = Pick(3) == 0 ? -Figure(profits) : Figure(profits);
        account.sales_previous = Pick(4) == 0 ? 0 : Figure(sales);
        account.potential_key_flag = Pick(8) == 0;
        sales.push_back(account.sales_current);
        profits.push_back(std::abs(account.profit_current));
        accounts.push_back(std::move(account));
      }
    }
    Shuffle(accounts);
    return accounts;
  }

  ClassificationRules Rules() {
    ClassificationRules rules;
    rules.key_share_percent = static_cast<int>(1 + Pick(100));
    rules.potential_growth_percent = Pick(3) == 0 ? 0 : static_cast<int>(Pick(60));
    rules.potential_min_sales = Pick(2) == 0 ? 0 : Pick(1000000);
    return rules;
  }

 private:
  // Zeros, repeats of earlier figures (ties), rarely huge figures (sums past int64), else
  // 0..1e6.
  int64_t Figure(const std::vector<int64_t>& earlier) {
    const int64_t kind = Pick(20);
    if (kind < 3) return 0;
    if (kind < 8 && !earlier.empty()) return earlier[Pick(earlier.size())];
    if (kind == 8) return Pick(4'000'000'000'000'000'000);
    return Pick(1000001);
  }

  // Random prefixes in mixed case give an id order unrelated to the figures; the serial
  // keeps ids unique.
  std::string Id(size_t serial) {
    static const char kLetters[] = "ABCabcXYZxyz";
    return absl::StrCat(std::string(1, kLetters[Pick(sizeof(kLetters) - 1)]), Pick(10), "-",
                        serial);
  }

  template <typename T>
  void Shuffle(std::vector<T>& items) {  // Fisher-Yates: the same on every standard library
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Pick(i)]);
  }

  std::mt19937 rng_;
};

bool Outranks(const std::vector<int64_t>& values, const std::vector<std::string>& ids, size_t a,
              size_t b) {
  return values[a] > values[b] || (values[a] == values[b] && ids[a] < ids[b]);
}

// Whether `set` is what TopShareSet promises: positive values only, in rank order, each
// member outranking every positive non-member, reaching the share, and no smaller set
// reaching it (the k-1 largest values are the best any smaller set can do).
::testing::AssertionResult IsSmallestTopShareSet(const std::vector<int64_t>& values,
                                                 const std::vector<std::string>& ids,
                                                 int share, const std::vector<size_t>& set) {
  std::vector<bool> member(values.size(), false);
  Int128 sum = 0;
  for (size_t r = 0; r < set.size(); ++r) {
    const size_t i = set[r];
    if (i >= values.size() || member[i]) return ::testing::AssertionFailure() << "index " << i;
    if (values[i] <= 0) return ::testing::AssertionFailure() << "value " << values[i];
    if (r > 0 && !Outranks(values, ids, set[r - 1], i)) {
      return ::testing::AssertionFailure() << "not in rank order at " << r;
    }
    member[i] = true;
    sum += values[i];
  }
  std::vector<int64_t> positives;
  Int128 total = 0;
  for (int64_t v : values) {
    if (v <= 0) continue;
    positives.push_back(v);
    total += v;
  }
  if (total == 0) {
    return set.empty() ? ::testing::AssertionSuccess()
                       : ::testing::AssertionFailure() << "a set without positive values";
  }
  if (sum * 100 < Int128{share} * total) {
    return ::testing::AssertionFailure() << set.size() << " members miss " << share << "%";
  }
  std::sort(positives.rbegin(), positives.rend());
  Int128 smaller = 0;
  for (size_t r = 0; r + 1 < set.size(); ++r) smaller += positives[r];
  if (smaller * 100 >= Int128{share} * total) {
    return ::testing::AssertionFailure() << set.size() - 1 << " values already reach it";
  }
  for (size_t i : set) {
    for (size_t j = 0; j < values.size(); ++j) {
      if (!member[j] && values[j] > 0 && Outranks(values, ids, j, i)) {
        return ::testing::AssertionFailure() << ids[j] << " outranks member " << ids[i];
      }
    }
  }
  return ::testing::AssertionSuccess();
}

bool GrowsAsRuleAsks(const AccountFigures& a, const ClassificationRules& rules) {
  return rules.potential_growth_percent > 0 && a.sales_previous > 0 &&
         a.sales_current >= rules.potential_min_sales &&
         (Int128{a.sales_current} - a.sales_previous) * 100 >=
             Int128{rules.potential_growth_percent} * a.sales_previous;
}

// The reason's opening for the expected tier and sets.
std::string ReasonStart(bool by_sales, bool by_profit, v1::ServiceTier tier) {
  if (by_sales && by_profit) return "key by sales (";
  if (by_sales) return "key by sales:";
  if (by_profit) return "key by profit:";
  return tier == kPotential ? "potential key: " : "standard: ";
}

// Checks both sets of every channel tier in `accounts` and that Classify gives KEY to
// exactly their union, then potential key and standard as the rules say. Counts the tiers.
::testing::AssertionResult ClassifiesAsUnionOfSets(const std::vector<AccountFigures>& accounts,
                                                   const ClassificationRules& rules,
                                                   std::map<v1::ServiceTier, int>& counts) {
  const std::vector<Classification> result = Classify(accounts, rules);
  std::map<int, std::vector<size_t>> groups;
  for (size_t i = 0; i < accounts.size(); ++i) groups[accounts[i].channel_tier].push_back(i);
  for (const auto& [channel_tier, members] : groups) {
    std::vector<int64_t> sales, profit;
    std::vector<std::string> ids;
    for (size_t i : members) {
      sales.push_back(accounts[i].sales_current);
      profit.push_back(accounts[i].profit_current);
      ids.push_back(accounts[i].id);
    }
    const int share = rules.key_share_percent;
    const std::vector<size_t> by_sales = TopShareSet(sales, ids, share);
    const std::vector<size_t> by_profit = TopShareSet(profit, ids, share);
    auto ok = IsSmallestTopShareSet(sales, ids, share, by_sales);
    if (!ok) return ok << " (sales, channel tier " << channel_tier << ")";
    ok = IsSmallestTopShareSet(profit, ids, share, by_profit);
    if (!ok) return ok << " (profit, channel tier " << channel_tier << ")";
    for (size_t j = 0; j < members.size(); ++j) {
      const AccountFigures& account = accounts[members[j]];
      const bool in_sales = std::count(by_sales.begin(), by_sales.end(), j) > 0;
      const bool in_profit = std::count(by_profit.begin(), by_profit.end(), j) > 0;
      const v1::ServiceTier expected =
          in_sales || in_profit ? kKey
          : account.potential_key_flag || GrowsAsRuleAsks(account, rules) ? kPotential
                                                                          : kStandard;
      const Classification& got = result[members[j]];
      if (got.tier != expected ||
          !absl::StartsWith(got.reason, ReasonStart(in_sales, in_profit, expected))) {
        return ::testing::AssertionFailure() << account.id << ": " << v1::ServiceTier_Name(got.tier)
                                             << " '" << got.reason << "', expected "
                                             << v1::ServiceTier_Name(expected);
      }
      ++counts[got.tier];
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(ClassificationPropertyTest, RandomTiersGetTheSmallestLargestFirstSetsAndKeyIsTheirUnion) {
  RandomAccounts random(20240611);
  std::map<v1::ServiceTier, int> counts;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::vector<AccountFigures> accounts = random.Accounts();
    const ClassificationRules rules = random.Rules();
    ASSERT_THAT(CheckClassificationRules(rules), IsOk());
    ASSERT_TRUE(ClassifiesAsUnionOfSets(accounts, rules, counts))
        << "trial " << trial << ", share " << rules.key_share_percent;
  }
  // The generator reaches every outcome, many times.
  EXPECT_GT(counts[kKey], 1000);
  EXPECT_GT(counts[kPotential], 1000);
  EXPECT_GT(counts[kStandard], 1000);
}

TEST(ClassificationPropertyTest, InputOrderDoesNotChangeTheResult) {
  RandomAccounts random(7);
  for (int trial = 0; trial < 500; ++trial) {
    const std::vector<AccountFigures> accounts = random.Accounts();
    const ClassificationRules rules = random.Rules();
    const std::vector<Classification> forward = Classify(accounts, rules);
    const std::vector<Classification> backward =
        Classify(std::vector<AccountFigures>(accounts.rbegin(), accounts.rend()), rules);
    for (size_t i = 0; i < accounts.size(); ++i) {
      const Classification& other = backward[accounts.size() - 1 - i];
      ASSERT_EQ(forward[i].tier, other.tier) << "trial " << trial << ", " << accounts[i].id;
      ASSERT_EQ(forward[i].reason, other.reason) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace ticketing::domain
