#ifndef TICKETING_PROTO_BASE_STATUS_MACROS_H_
#define TICKETING_PROTO_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"

// Debian's Abseil (20220623) predates ABSL_RETURN_IF_ERROR; these two are the local stand-ins.

// Returns the status of `expr` from the enclosing function when it is not OK.
#define TKT_RETURN_IF_ERROR(expr)                      \
  do {                                                 \
    if (::absl::Status tkt_status_ = (expr); !tkt_status_.ok()) return tkt_status_; \
  } while (false)

#define TKT_CONCAT_INNER_(a, b) a##b
#define TKT_CONCAT_(a, b) TKT_CONCAT_INNER_(a, b)

// `TKT_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from an OK StatusOr, else returns its status.
#define TKT_ASSIGN_OR_RETURN(lhs, expr) \
  TKT_ASSIGN_OR_RETURN_IMPL_(TKT_CONCAT_(tkt_statusor_, __LINE__), lhs, expr)
#define TKT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = *std::move(tmp)

#endif  // TICKETING_PROTO_BASE_STATUS_MACROS_H_
