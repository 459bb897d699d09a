#include "server/domain/audit/audit_service.h"

#include <algorithm>
#include <limits>

#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int kScanBudget = 20000;
constexpr int kChunk = 500;

bool Matches(const v1::ListAuditRecordsRequest& request, const v1::AuditRecord& record) {
  if (request.denials_only() && record.kind() != v1::AuditRecord::KIND_DENIAL) return false;
  return request.actor().empty() || record.actor() == request.actor();
}

}  // namespace

absl::StatusOr<v1::ListAuditRecordsResponse> AuditService::List(
    const Principal& who, const v1::ListAuditRecordsRequest& request,
    const Interrupt& interrupt) const {
  TKT_RETURN_IF_ERROR(Authorize(who, Action::kReadAudit, nullptr));
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError("page_size: must be 0-1000 (0: 100)");
  }
  if (request.after_sequence() < 0) {
    return absl::InvalidArgumentError("after_sequence: must not be negative");
  }
  // "anonymous" and "system" are not user names but are actors of the log.
  if (!request.actor().empty() && request.actor() != "anonymous" && request.actor() != "system") {
    TKT_RETURN_IF_ERROR(CheckIdentifier("actor", request.actor(), true));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const bool newest_first = request.after_sequence() == 0;
  // The token holds the next sequence to read; the fingerprint ties it to these filters.
  v1::ListAuditRecordsRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  const uint64_t fingerprint = Fingerprint(filters);
  int64_t next = newest_first ? std::numeric_limits<int64_t>::max() : request.after_sequence() + 1;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(auto cursor, DecodePageToken(request.page_token(), fingerprint));
    next = static_cast<int64_t>(cursor.first);
  }
  v1::ListAuditRecordsResponse response;
  int examined = 0;
  bool more = true;
  while (response.records_size() < page_size && examined < kScanBudget) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(std::vector<v1::AuditRecord> chunk,
                         store_.ReadAudit(next, newest_first, kChunk));
    for (v1::AuditRecord& record : chunk) {
      ++examined;
      next = newest_first ? record.sequence() - 1 : record.sequence() + 1;
      if (Matches(request, record)) *response.add_records() = std::move(record);
      if (response.records_size() == page_size) break;
    }
    if (static_cast<int>(chunk.size()) < kChunk && response.records_size() < page_size) {
      more = false;  // the log ended before the page filled
      break;
    }
  }
  if (newest_first && next < 1) more = false;
  if (more) response.set_next_page_token(EncodePageToken(static_cast<uint64_t>(next), 0, fingerprint));
  return response;
}

}  // namespace ticketing::domain
