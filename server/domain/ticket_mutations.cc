// TicketService: the changes of an existing ticket (update, transition, assign, comment).
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/field_mask_util.h"
#include "proto/base/status_macros.h"
#include "server/domain/state_machine.h"
#include "server/domain/ticket_events.h"
#include "server/domain/ticket_service.h"
#include "server/domain/validation.h"

namespace ticketing::domain {
namespace {

using google::protobuf::util::FieldMaskUtil;

// Status-specific requirements of a transition beyond the state machine's edges.
std::string ShortVerification(v1::VerificationOutcome outcome) {
  return std::string(absl::StripPrefix(v1::VerificationOutcome_Name(outcome), "VERIFICATION_OUTCOME_"));
}

absl::Status CheckTransitionRequirements(const v1::Ticket& ticket,
                                         const v1::TransitionTicketRequest& request) {
  const v1::TicketStatus to = request.status();
  if ((to == v1::TICKET_STATUS_CANCELLED || to == v1::TICKET_STATUS_REOPENED) &&
      request.reason().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: required when moving a ticket to ", StatusName(to)));
  }
  if (to == v1::TICKET_STATUS_RESOLVED) {
    const v1::Resolution& r = request.resolution();
    TKT_RETURN_IF_ERROR(CheckText("resolution.action_taken", r.action_taken(), kMaxLongTextChars, true));
    TKT_RETURN_IF_ERROR(CheckIdentifier("resolution.fault_category", r.fault_category(), true));
    TKT_RETURN_IF_ERROR(CheckLine("resolution.root_cause", r.root_cause(), kMaxReasonChars, true));
  }
  const v1::Verification& v = request.verification();
  if (to == v1::TICKET_STATUS_CLOSED &&
      v.outcome() != v1::VERIFICATION_OUTCOME_CONFIRMED_FIXED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ticket ", ticket.id(), " can be closed only after the customer confirmed the fix: ",
        "send verification with outcome CONFIRMED_FIXED (or reopen it with NOT_FIXED)"));
  }
  if (v.outcome() != v1::VERIFICATION_OUTCOME_UNSPECIFIED) {
    if (!v1::VerificationOutcome_IsValid(v.outcome()) ||
        (v.outcome() == v1::VERIFICATION_OUTCOME_NOT_FIXED) != (to == v1::TICKET_STATUS_REOPENED) ||
        ticket.status() != v1::TICKET_STATUS_RESOLVED) {
      return absl::InvalidArgumentError(
          "verification: only with RESOLVED -> CLOSED (CONFIRMED_FIXED) or RESOLVED -> "
          "REOPENED (NOT_FIXED)");
    }
    TKT_RETURN_IF_ERROR(CheckLine("verification.customer_contact", v.customer_contact(),
                                  kMaxNameChars, true));
    TKT_RETURN_IF_ERROR(CheckText("verification.note", v.note(), kMaxLongTextChars, false));
  }
  if ((to == v1::TICKET_STATUS_ASSIGNED || to == v1::TICKET_STATUS_IN_PROGRESS) &&
      ticket.assignee().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ticket ", ticket.id(), " has no assignee; assign it before moving it to ",
        StatusName(to)));
  }
  return absl::OkStatus();
}

void StampStatusTimes(v1::TicketStatus to, absl::Time now, v1::Ticket& next) {
  if (to == v1::TICKET_STATUS_RESOLVED) ToTimestamp(now, next.mutable_resolve_time());
  if (to == v1::TICKET_STATUS_CLOSED) ToTimestamp(now, next.mutable_close_time());
}

// The resolution (to RESOLVED) and the customer's verification (RESOLVED to CLOSED or
// REOPENED), recorded on the ticket and in the event; the verification deadline.
void ApplyResolutionAndVerification(const Principal& actor,
                                    const v1::TransitionTicketRequest& request,
                                    std::optional<absl::Duration> verify_within, absl::Time now,
                                    v1::Ticket& next, v1::TicketEvent& event) {
  const v1::TicketStatus to = request.status();
  next.clear_verify_by();
  if (to == v1::TICKET_STATUS_RESOLVED) {
    *next.mutable_resolution() = request.resolution();
    next.clear_verification();
    RecordChange(event, "resolution.fault_category", "", request.resolution().fault_category());
    RecordChange(event, "resolution.root_cause", "", request.resolution().root_cause());
    if (verify_within) ToTimestamp(now + *verify_within, next.mutable_verify_by());
  }
  if (request.verification().outcome() != v1::VERIFICATION_OUTCOME_UNSPECIFIED) {
    v1::Verification& v = *next.mutable_verification();
    v = request.verification();
    ToTimestamp(now, v.mutable_verify_time());
    v.set_verified_by(actor.name);
    RecordChange(event, "verification",  "",
                 absl::StrCat(ShortVerification(v.outcome()), " by ", v.customer_contact()));
  }
}

}  // namespace

absl::StatusOr<v1::Ticket> TicketService::Update(const Principal& actor,
                                                 const v1::UpdateTicketRequest& request) {
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError("update_mask: must name at least one field");
  }
  for (const std::string& path : request.update_mask().paths()) {
    TKT_RETURN_IF_ERROR(CheckUpdatableField(request.ticket(), path));
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"ticket.id", request.ticket().id(), request.ticket().version(), true,
                    Action::kUpdate};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    TKT_RETURN_IF_ERROR(CheckOpen(current, "update"));
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    FieldMaskUtil::MergeMessageTo(request.ticket(), request.update_mask(), options, &next);
    event.set_type(v1::EVENT_TYPE_UPDATED);
    RecordDescriptiveChanges(current, next, event);
    if (next.priority() != current.priority()) {  // an override, audited with its reason
      next.set_priority_reason(
          absl::StrCat("set by ", actor.name, ": ", request.ticket().priority_reason()));
      RecordChange(event, "priority_reason", current.priority_reason(), next.priority_reason());
    }
    if (!event.changes().empty()) event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::Transition(const Principal& actor,
                                                     const v1::TransitionTicketRequest& request) {
  if (!v1::TicketStatus_IsValid(request.status()) ||
      request.status() == v1::TICKET_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("status: must be a ticket status (got ", request.status(), ")"));
  }
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, false));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"id", request.id(), request.version(), true, Action::kTransition,
                    request.status()};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    TKT_RETURN_IF_ERROR(CheckTransition(current.status(), request.status()));
    TKT_RETURN_IF_ERROR(CheckTransitionRequirements(current, request));
    next.set_status(request.status());
    next.set_status_reason(request.reason());
    StampStatusTimes(request.status(), now, next);
    ApplyResolutionAndVerification(actor, request, verify_within_, now, next, event);
    event.set_type(v1::EVENT_TYPE_TRANSITIONED);
    RecordChange(event, "status", StatusName(current.status()), StatusName(next.status()));
    event.set_reason(request.reason());
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::Assign(const Principal& actor,
                                                 const v1::AssignTicketRequest& request) {
  TKT_RETURN_IF_ERROR(CheckAssignee("assignee", request.assignee()));
  TKT_RETURN_IF_ERROR(CheckIdentifier("queue", request.queue(), false));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"id", request.id(), request.version(), true, Action::kAssign};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    TKT_RETURN_IF_ERROR(CheckOpen(current, "assign"));
    if (current.assignee() != request.assignee()) {
      next.set_assignee(request.assignee());
      next.set_status(StatusAfterAssignment(current.status(), !request.assignee().empty()));
    }
    if (!request.queue().empty()) next.set_queue(request.queue());
    event.set_type(v1::EVENT_TYPE_ASSIGNED);
    RecordChange(event, "assignee", current.assignee(), next.assignee());
    RecordChange(event, "queue", current.queue(), next.queue());
    RecordChange(event, "status", StatusName(current.status()), StatusName(next.status()));
    if (!event.changes().empty()) event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::AddCommentResponse> TicketService::AddComment(
    const Principal& actor, const v1::AddCommentRequest& request) {
  TKT_RETURN_IF_ERROR(CheckText("body", request.body(), kMaxLongTextChars, true));
  if (!v1::Visibility_IsValid(request.visibility())) {
    return absl::InvalidArgumentError(
        absl::StrCat("visibility: unknown value ", request.visibility()));
  }
  MutationSpec spec{"ticket_id", request.ticket_id(), request.version(), false,
                    Action::kComment};
  auto mutate = [&](const v1::Ticket&, absl::Time, v1::Ticket&, v1::TicketEvent& event) {
    event.set_type(v1::EVENT_TYPE_COMMENTED);
    event.set_visibility(request.visibility());
    event.set_comment(request.body());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  v1::AddCommentResponse response;
  *response.mutable_ticket() = std::move(result.first);
  *response.mutable_event() = std::move(result.second);
  return response;
}

absl::StatusOr<v1::Ticket> TicketService::RecordContact(const Principal& actor,
                                                        const v1::RecordContactRequest& request) {
  if (request.channel() == v1::CONTACT_CHANNEL_UNSPECIFIED ||
      !v1::ContactChannel_IsValid(request.channel())) {
    return absl::InvalidArgumentError("channel: must be set (phone, email, chat, in person, other)");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kComment};
  auto mutate = [&](const v1::Ticket& current, absl::Time, v1::Ticket& next,
                    v1::TicketEvent& event) {
    next.set_chase_count(current.chase_count() + 1);
    event.set_type(v1::EVENT_TYPE_CONTACT);
    RecordChange(event, "chase_count", absl::StrCat(current.chase_count()),
                 absl::StrCat(next.chase_count()));
    event.set_reason(absl::AsciiStrToLower(absl::StripPrefix(
        v1::ContactChannel_Name(request.channel()), "CONTACT_CHANNEL_")));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

}  // namespace ticketing::domain
