#ifndef TICKETING_SERVER_DOMAIN_REPORTS_REPORT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_REPORTS_REPORT_SERVICE_H_

#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/report.pb.h"

namespace ticketing::domain {

// The longest period one report covers (a year and a day): the scan is bounded.
inline constexpr absl::Duration kMaxReportPeriod = absl::Hours(24 * 366);

// Service reports over the tickets created in a period (docs/reports.md has every
// definition). Streams the compact per-ticket facts the store keeps in creation order, one
// record at a time, so memory grows with the number of groups and of measured durations,
// never with whole tickets. Thread-safe (stateless).
class ReportService {
 public:
  // All must outlive the service.
  ReportService(storage::TicketStore& store, storage::AccountStore& accounts, const Clock& clock)
      : store_(store), accounts_(accounts), clock_(clock) {}

  // One row per group and a total. Roles: supervisor, admin.
  // A report is a scan of the period: `interrupt` stops it when the caller gives up.
  absl::StatusOr<v1::ServiceReport> GetServiceReport(
      const Principal& actor, const v1::ServiceReportRequest& request,
      const Interrupt& interrupt = Interrupt::Never());
  // Fault categories and root causes by product. Roles: supervisor, admin.
  absl::StatusOr<v1::ProductFeedback> GetProductFeedback(
      const Principal& actor, const v1::ProductFeedbackRequest& request,
      const Interrupt& interrupt = Interrupt::Never());

 private:
  storage::TicketStore& store_;
  storage::AccountStore& accounts_;
  const Clock& clock_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_REPORTS_REPORT_SERVICE_H_
