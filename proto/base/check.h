#ifndef TICKETING_PROTO_BASE_CHECK_H_
#define TICKETING_PROTO_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include "absl/base/optimization.h"

// Debian's Abseil (20220623) has no CHECK. TKT_CHECK is the local stand-in, on in every
// build: for an invariant whose breach would let the process go on to corrupt what it
// stores (state of the writer thread touched from another thread), where stopping is the
// only safe answer. Not for input, which gets a Status. Costs one predictable branch.
#define TKT_CHECK(condition, what)                                                    \
  do {                                                                                \
    if (ABSL_PREDICT_FALSE(!(condition))) {                                           \
      ::ticketing::base_internal::CheckFailed(__FILE__, __LINE__, #condition, (what)); \
    }                                                                                 \
  } while (false)

namespace ticketing::base_internal {

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition,
                                     const char* what) {
  std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", file, line, condition, what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ticketing::base_internal

#endif  // TICKETING_PROTO_BASE_CHECK_H_
