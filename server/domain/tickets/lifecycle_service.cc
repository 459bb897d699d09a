// LifecycleService: opening a ticket and the changes of its life (update, transition,
// assign, comment, contact).
#include "server/domain/tickets/lifecycle_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/field_mask_util.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "server/domain/tickets/state_machine.h"

namespace ticketing::domain {
namespace {

using google::protobuf::util::FieldMaskUtil;

// "CONFIRMED_FIXED", "NOT_FIXED": a verification outcome as the history shows it.
std::string ShortVerification(v1::VerificationOutcome outcome) {
  return std::string(absl::StripPrefix(v1::VerificationOutcome_Name(outcome), "VERIFICATION_OUTCOME_"));
}

// Status-specific requirements of a transition beyond the state machine's edges
// (docs/api.md, "Resolving and closing"). Checked inside the edit, against the ticket as
// stored, because its current status and assignee decide some of them.
absl::Status CheckTransitionRequirements(const v1::Ticket& ticket,
                                         const v1::TransitionTicketRequest& request) {
  const v1::TicketStatus to = request.status();
  if ((to == v1::TICKET_STATUS_CANCELLED || to == v1::TICKET_STATUS_REOPENED) &&
      request.reason().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: required when moving a ticket to ", StatusName(to)));
  }
  // "Every problem recorded": the fault category and root cause feed the product feedback
  // report (docs/reports.md), so a resolution without them is refused.
  if (to == v1::TICKET_STATUS_RESOLVED) {
    const v1::Resolution& r = request.resolution();
    TKT_RETURN_IF_ERROR(CheckText("resolution.action_taken", r.action_taken(), kMaxLongTextChars, true));
    TKT_RETURN_IF_ERROR(CheckIdentifier("resolution.fault_category", r.fault_category(), true));
    TKT_RETURN_IF_ERROR(CheckLine("resolution.root_cause", r.root_cause(), kMaxReasonChars, true));
  }
  // "Every service re-checked": closing needs the customer's confirmation of the fix
  // (docs/fieldwork.md). FAILED_PRECONDITION: the cure is to call the customer, not to
  // resend the request.
  const v1::Verification& v = request.verification();
  if (to == v1::TICKET_STATUS_CLOSED &&
      v.outcome() != v1::VERIFICATION_OUTCOME_CONFIRMED_FIXED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ticket ", ticket.id(), " can be closed only after the customer confirmed the fix: ",
        "send verification with outcome CONFIRMED_FIXED (or reopen it with NOT_FIXED)"));
  }
  // A verification answers a resolution: only from RESOLVED, NOT_FIXED exactly when
  // reopening and CONFIRMED_FIXED otherwise (closing), so it cannot ride on another move.
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
  // Every move ends a pending verification deadline: closing meets it, reopening sends the
  // work back, and a new resolution sets a fresh one below, so each resolution's deadline
  // fires at most once (docs/fieldwork.md). verification_overdue is never cleared: a service
  // omission stays on the record even after a late verification.
  next.clear_verify_by();
  if (to == v1::TICKET_STATUS_RESOLVED) {
    *next.mutable_resolution() = request.resolution();
    // The verification of an earlier round (a NOT_FIXED that reopened the ticket) must not
    // stand for this resolution.
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

LifecycleService::LifecycleService(TicketCore& core, const UserDirectory& users, Options options)
    : core_(core), users_(users), options_(std::move(options)) {}

absl::Status LifecycleService::CheckAssignee(absl::string_view field,
                                             absl::string_view assignee) const {
  TKT_RETURN_IF_ERROR(CheckIdentifier(field, assignee, false));
  if (assignee.empty()) return absl::OkStatus();
  const std::optional<Principal> user = users_.Find(assignee);
  if (!user) return absl::InvalidArgumentError(absl::StrCat(field, ": unknown user ", assignee));
  if (user->role == v1::ROLE_ADMIN || user->role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": user ", assignee, " is an ",
                                                   RoleName(user->role),
                                                   " and cannot be assigned tickets"));
  }
  return absl::OkStatus();
}

void LifecycleService::FillNewTicket(const Principal& actor, const v1::Ticket& fields,
                                     v1::ServiceTier tier, TicketDraft& draft) const {
  v1::Ticket& ticket = draft.next;
  ticket.set_kind(fields.kind());
  ticket.set_account_id(fields.account_id());
  *ticket.mutable_contact() = fields.contact();
  ticket.set_product(fields.product());
  ticket.set_serial_number(fields.serial_number());
  ticket.set_summary(fields.summary());
  ticket.set_description(fields.description());
  ticket.set_impact(fields.impact());
  ticket.set_urgency(fields.urgency());
  ticket.set_service_tier(tier);
  if (fields.priority() != v1::PRIORITY_UNSPECIFIED) {
    ticket.set_priority(fields.priority());
    ticket.set_priority_reason(absl::StrCat("set by ", actor.name, ": ", fields.priority_reason()));
  } else {
    PriorityDecision decision =
        options_.priority.Decide(fields.impact(), fields.urgency(), fields.kind(), tier);
    ticket.set_priority(decision.priority);
    ticket.set_priority_reason(std::move(decision.reason));
  }
  ticket.set_assignee(fields.assignee());
  ticket.set_queue(fields.queue());
  ticket.set_region(fields.region());
  ticket.set_status(fields.assignee().empty() ? v1::TICKET_STATUS_NEW
                                              : v1::TICKET_STATUS_ASSIGNED);
  // The CREATED event records the starting values as changes from "": the escalator knows a
  // new ticket by its `status` change without an old value (a KEY account's complaint
  // alerts at once), and the history shows where each field started.
  v1::TicketEvent& event = draft.event;
  RecordChange(event, "status", "", StatusName(ticket.status()));
  RecordChange(event, "priority", "", PriorityName(ticket.priority()));
  RecordChange(event, "assignee", "", ticket.assignee());
  RecordChange(event, "service_tier", "", TierName(ticket.service_tier()));
  event.set_reason(ticket.priority_reason());
}

absl::StatusOr<v1::Ticket> LifecycleService::Create(const Principal& actor,
                                                    const v1::CreateTicketRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kCreate, nullptr));
  TKT_RETURN_IF_ERROR(CheckRequestId("request_id", request.request_id()));
  TKT_RETURN_IF_ERROR(CheckNewTicket(request.ticket()));
  TKT_RETURN_IF_ERROR(CheckAssignee("ticket.assignee", request.ticket().assignee()));
  // The fingerprint covers the ticket as sent, not the request id: a retry must send the same
  // content to get the same ticket back (ALREADY_EXISTS otherwise).
  return core_.Create(actor, request.request_id(), Fingerprint(request.ticket()),
                      "ticket.account_id", request.ticket().account_id(),
                      [&](v1::ServiceTier tier, TicketDraft& draft) {
                        FillNewTicket(actor, request.ticket(), tier, draft);
                        return absl::OkStatus();
                      });
}

absl::Status VerificationRule::OnDue(TicketDraft& draft) const {
  v1::Ticket& next = draft.next;
  // Fires once: clearing verify_by also removes its timer (storage derives the timer from
  // it). The "verification: overdue" change is what the escalator matches to raise a
  // VERIFICATION_OVERDUE alert (escalation/escalation_policy.cc), so keep the two in step.
  if (next.has_verify_by() && FromTimestamp(next.verify_by()) <= draft.now) {
    next.set_verification_overdue(true);
    next.clear_verify_by();
    RecordChange(draft.event, "verification", "", "overdue");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Ticket> LifecycleService::Update(const Principal& actor,
                                                 const v1::UpdateTicketRequest& request) {
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError("update_mask: must name at least one field");
  }
  for (const std::string& path : request.update_mask().paths()) {
    TKT_RETURN_IF_ERROR(CheckUpdatableField(request.ticket(), path));
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  const TicketEdit edit = TicketEdit::AtVersion("ticket.id", request.ticket().id(), request.ticket().version(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "update"));
    // `contact` in the mask replaces the whole message (docs/api.md, "Updatable fields"): a
    // merge would keep an old phone or email that the caller meant to clear.
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    FieldMaskUtil::MergeMessageTo(request.ticket(), request.update_mask(), options, &next);
    event.set_type(v1::EVENT_TYPE_UPDATED);
    RecordDescriptiveChanges(current, next, event);
    // Impact and urgency changes do not re-derive the priority (docs/api.md, "Priority"):
    // only a priority named in the mask changes it, with the reason CheckUpdatableField
    // required.
    if (next.priority() != current.priority()) {  // an override, audited with its reason
      next.set_priority_reason(
          absl::StrCat("set by ", actor.name, ": ", request.ticket().priority_reason()));
      RecordChange(event, "priority_reason", current.priority_reason(), next.priority_reason());
    }
    // The note rides on a real change only: a comment alone would make the core record an
    // update that changed nothing (notes on their own go through AddComment).
    if (!event.changes().empty()) event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> LifecycleService::Transition(const Principal& actor,
                                                     const v1::TransitionTicketRequest& request) {
  if (!v1::TicketStatus_IsValid(request.status()) ||
      request.status() == v1::TICKET_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("status: must be a ticket status (got ", request.status(), ")"));
  }
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, false));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  const TicketEdit edit = TicketEdit::Transition(request.id(), request.version(), request.status());
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    TKT_RETURN_IF_ERROR(CheckTransition(current.status(), request.status()));
    TKT_RETURN_IF_ERROR(CheckTransitionRequirements(current, request));
    next.set_status(request.status());
    next.set_status_reason(request.reason());
    StampStatusTimes(request.status(), now, next);
    ApplyResolutionAndVerification(actor, request, options_.verify_within, now, next, event);
    event.set_type(v1::EVENT_TYPE_TRANSITIONED);
    RecordChange(event, "status", StatusName(current.status()), StatusName(next.status()));
    event.set_reason(request.reason());
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> LifecycleService::Assign(const Principal& actor,
                                                 const v1::AssignTicketRequest& request) {
  TKT_RETURN_IF_ERROR(CheckAssignee("assignee", request.assignee()));
  TKT_RETURN_IF_ERROR(CheckIdentifier("queue", request.queue(), false));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  const TicketEdit edit = TicketEdit::AtVersion("id", request.id(), request.version(), Action::kAssign);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "assign"));
    // The status follows the owner only when the owner changes: resending the same assignee
    // with a new queue must not send IN_PROGRESS work back to ASSIGNED.
    if (current.assignee() != request.assignee()) {
      next.set_assignee(request.assignee());
      next.set_status(StatusAfterAssignment(current.status(), !request.assignee().empty()));
    }
    // An empty queue means "keep it": AssignTicket never clears a queue.
    if (!request.queue().empty()) next.set_queue(request.queue());
    event.set_type(v1::EVENT_TYPE_ASSIGNED);
    RecordChange(event, "assignee", current.assignee(), next.assignee());
    RecordChange(event, "queue", current.queue(), next.queue());
    RecordChange(event, "status", StatusName(current.status()), StatusName(next.status()));
    // As in Update: a note alone does not make a change.
    if (!event.changes().empty()) event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::AddCommentResponse> LifecycleService::AddComment(
    const Principal& actor, const v1::AddCommentRequest& request) {
  TKT_RETURN_IF_ERROR(CheckText("body", request.body(), kMaxLongTextChars, true));
  if (!v1::Visibility_IsValid(request.visibility())) {
    return absl::InvalidArgumentError(
        absl::StrCat("visibility: unknown value ", request.visibility()));
  }
  // Comments are appends and rarely conflict, so the version is checked only when given; no
  // CheckOpen: a closed ticket still takes comments (docs/api.md).
  const TicketEdit edit = TicketEdit::AtVersionIfGiven("ticket_id", request.ticket_id(), request.version(), Action::kComment);
  auto mutate = [&](const v1::Ticket&, TicketDraft& draft) {
    v1::TicketEvent& event = draft.event;
    event.set_type(v1::EVENT_TYPE_COMMENTED);
    // A customer-visible reply is contact with the customer: the SLA rule ends the first
    // response clock and restarts the next-update clock on it; an internal note does not.
    event.set_visibility(request.visibility());
    event.set_comment(request.body());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  v1::AddCommentResponse response;
  *response.mutable_ticket() = std::move(result.ticket);
  *response.mutable_event() = std::move(result.event);
  return response;
}

absl::StatusOr<v1::Ticket> LifecycleService::RecordContact(const Principal& actor,
                                                        const v1::RecordContactRequest& request) {
  if (request.channel() == v1::CONTACT_CHANNEL_UNSPECIFIED ||
      !v1::ContactChannel_IsValid(request.channel())) {
    return absl::InvalidArgumentError("channel: must be set (phone, email, chat, in person, other)");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  // No version: a chase is recorded whatever else changed meanwhile, and the count goes up
  // under the ticket's lock, so concurrent chases are all counted.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kComment);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    // The `chase_count` change is what the escalator matches for CHASE_COUNT rules
    // (docs/escalation.md): a customer who has to chase us is itself an alarm.
    next.set_chase_count(current.chase_count() + 1);
    event.set_type(v1::EVENT_TYPE_CONTACT);
    RecordChange(event, "chase_count", absl::StrCat(current.chase_count()),
                 absl::StrCat(next.chase_count()));
    event.set_reason(absl::AsciiStrToLower(absl::StripPrefix(
        v1::ContactChannel_Name(request.channel()), "CONTACT_CHANNEL_")));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

}  // namespace ticketing::domain
