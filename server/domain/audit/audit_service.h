#ifndef TICKETING_SERVER_DOMAIN_AUDIT_AUDIT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_AUDIT_AUDIT_SERVICE_H_

#include "absl/status/statusor.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::domain {

// Reads the audit log (docs/security.md, "Audit"); what is recorded there is decided where
// every call passes (server/api/calls.h). Thread-safe.
class AuditService {
 public:
  // `store` must outlive the service.
  explicit AuditService(storage::AuditStore& store) : store_(store) {}

  // A page of records, newest first (oldest first after `after_sequence`), filtered by kind
  // and actor. Admins only. A page examines at most 20,000 records (checking `interrupt`
  // between reads): a very selective filter may return a short page with a token to go on.
  // INVALID_ARGUMENT naming the field for a bad page size, actor or token.
  absl::StatusOr<v1::ListAuditRecordsResponse> List(const Principal& who,
                                                    const v1::ListAuditRecordsRequest& request,
                                                    const Interrupt& interrupt) const;

 private:
  storage::AuditStore& store_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_AUDIT_AUDIT_SERVICE_H_
