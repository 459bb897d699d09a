#ifndef TICKETING_TESTS_TESTING_TRANSITIONS_H_
#define TICKETING_TESTS_TESTING_TRANSITIONS_H_

// What a transition needs besides the target status, for tests about something else:
// RESOLVED needs a resolution, CLOSED the customer's confirmation of the fix.

#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::testing {

// Adds a resolution when `request` moves to RESOLVED and a confirmed verification when it
// moves to CLOSED; leaves other requests (and fields already set) alone.
inline void AddCompletion(v1::TransitionTicketRequest& request) {
  if (request.status() == v1::TICKET_STATUS_RESOLVED && !request.has_resolution()) {
    v1::Resolution& r = *request.mutable_resolution();
    r.set_action_taken("replaced the print head");
    r.set_fault_category("print-head");
    r.set_root_cause("worn after 2M pages");
  }
  if (request.status() == v1::TICKET_STATUS_CLOSED && !request.has_verification()) {
    request.mutable_verification()->set_outcome(v1::VERIFICATION_OUTCOME_CONFIRMED_FIXED);
    request.mutable_verification()->set_customer_contact("Li Wei");
  }
}

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_TRANSITIONS_H_
