#include "server/domain/tickets/priority.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ticketing::domain {
namespace {

TEST(PriorityTest, MatrixGivesTheDocumentedPriorities) {
  struct Row { v1::Impact impact; v1::Urgency urgency; v1::Priority expected; };
  const Row rows[] = {
      {v1::IMPACT_HIGH, v1::URGENCY_HIGH, v1::PRIORITY_P1},
      {v1::IMPACT_HIGH, v1::URGENCY_MEDIUM, v1::PRIORITY_P2},
      {v1::IMPACT_HIGH, v1::URGENCY_LOW, v1::PRIORITY_P3},
      {v1::IMPACT_MEDIUM, v1::URGENCY_HIGH, v1::PRIORITY_P2},
      {v1::IMPACT_MEDIUM, v1::URGENCY_MEDIUM, v1::PRIORITY_P3},
      {v1::IMPACT_MEDIUM, v1::URGENCY_LOW, v1::PRIORITY_P4},
      {v1::IMPACT_LOW, v1::URGENCY_HIGH, v1::PRIORITY_P3},
      {v1::IMPACT_LOW, v1::URGENCY_MEDIUM, v1::PRIORITY_P4},
      {v1::IMPACT_LOW, v1::URGENCY_LOW, v1::PRIORITY_P4},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(PriorityFromMatrix(row.impact, row.urgency), row.expected)
        << v1::Impact_Name(row.impact) << " x " << v1::Urgency_Name(row.urgency);
  }
}

TEST(PriorityTest, UnspecifiedImpactAndUrgencyCountAsMedium) {
  EXPECT_EQ(PriorityFromMatrix(v1::IMPACT_UNSPECIFIED, v1::URGENCY_UNSPECIFIED), v1::PRIORITY_P3);
  EXPECT_EQ(PriorityFromMatrix(v1::IMPACT_HIGH, v1::URGENCY_UNSPECIFIED), v1::PRIORITY_P2);
}

TEST(PriorityTest, TheReasonCountsTheLevelsActuallyRaisedNotTheConfiguredRaise) {
  v1::PriorityConfig config;
  config.set_key_account_raise(2);
  const absl::StatusOr<PriorityRules> rules = PriorityRules::Create(config);
  ASSERT_TRUE(rules.ok()) << rules.status();
  // P2 raised by 2 is capped at P1: one level.
  const PriorityDecision capped = rules->Decide(v1::IMPACT_HIGH, v1::URGENCY_MEDIUM,
                                                v1::TICKET_KIND_REPAIR, v1::SERVICE_TIER_KEY);
  EXPECT_EQ(capped.priority, v1::PRIORITY_P1);
  EXPECT_THAT(capped.reason, ::testing::EndsWith(", raised 1 level for a KEY account"));
  const PriorityDecision full = rules->Decide(v1::IMPACT_MEDIUM, v1::URGENCY_MEDIUM,
                                              v1::TICKET_KIND_REPAIR, v1::SERVICE_TIER_KEY);
  EXPECT_EQ(full.priority, v1::PRIORITY_P1);
  EXPECT_THAT(full.reason, ::testing::EndsWith(", raised 2 levels for a KEY account"));
}

}  // namespace
}  // namespace ticketing::domain
