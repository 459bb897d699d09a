#ifndef TICKETING_SERVER_DOMAIN_FIELDWORK_FIELD_WORK_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_FIELDWORK_FIELD_WORK_SERVICE_H_

#include "absl/status/statusor.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/ticket_core.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// The work in the customer's office (docs/fieldwork.md): visits in a window promised to
// the customer and their outcome (fixed, or not and why: a not-fixed visit escalates),
// spare parts and their progress (the clocks keep running while we wait for our parts),
// and the customer's satisfaction survey after the resolution (a dissatisfied one
// escalates). Every change goes through the ticket core. Thread-safe.
class FieldWorkService {
 public:
  struct Options {
    // A survey whose overall score is below this is dissatisfied.
    int dissatisfied_below = 3;
  };

  // Both must outlive the service.
  FieldWorkService(TicketCore& core, const UserDirectory& users, Options options)
      : core_(core), users_(users), options_(options) {}

  absl::StatusOr<v1::Ticket> ScheduleVisit(const Principal& actor,
                                           const v1::ScheduleVisitRequest& request);
  absl::StatusOr<v1::Ticket> RecordVisit(const Principal& actor,
                                         const v1::RecordVisitRequest& request);
  absl::StatusOr<v1::Ticket> SubmitSurvey(const Principal& actor,
                                          const v1::SubmitSurveyRequest& request);
  absl::StatusOr<v1::Ticket> RequestPart(const Principal& actor,
                                         const v1::RequestPartRequest& request);
  absl::StatusOr<v1::Ticket> UpdatePart(const Principal& actor,
                                        const v1::UpdatePartRequest& request);

 private:
  TicketCore& core_;
  const UserDirectory& users_;
  const Options options_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_FIELDWORK_FIELD_WORK_SERVICE_H_
