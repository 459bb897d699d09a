#include "server/domain/priority.h"

#include <algorithm>

namespace ticketing::domain {

v1::Priority PriorityFromMatrix(v1::Impact impact, v1::Urgency urgency) {
  // Score 0 (low) .. 2 (high) each; the sum 4 -> P1, 3 -> P2, 2 -> P3, 0..1 -> P4.
  const int i = impact == v1::IMPACT_UNSPECIFIED ? 1 : static_cast<int>(impact) - 1;
  const int u = urgency == v1::URGENCY_UNSPECIFIED ? 1 : static_cast<int>(urgency) - 1;
  const int level = std::min(4, 5 - (i + u));  // 4 -> 1, 3 -> 2, 2 -> 3, <=1 -> 4
  return static_cast<v1::Priority>(std::max(1, level));
}

}  // namespace ticketing::domain
