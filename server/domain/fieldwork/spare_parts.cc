// FieldWorkService: spare parts requested for a repair and their progress.
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "server/domain/fieldwork/field_work_service.h"
#include "server/domain/tickets/state_machine.h"

namespace ticketing::domain {
namespace {

std::string PartStatusName(v1::PartStatus status) {
  return std::string(absl::StripPrefix(v1::PartStatus_Name(status), "PART_STATUS_"));
}

// Parts move forward only; CANCELLED is possible until INSTALLED. "Forward" is enum order:
// PartStatus numbers the stages REQUESTED..INSTALLED in the order a part goes through them
// (stages may be skipped), with CANCELLED after them, which is why it is tested apart.
absl::Status CheckPartMove(const v1::PartRequest& part, v1::PartStatus to) {
  const v1::PartStatus from = part.status();
  const bool ended = from == v1::PART_STATUS_INSTALLED || from == v1::PART_STATUS_CANCELLED;
  const bool forward = to != v1::PART_STATUS_CANCELLED && to > from;
  if (!ended && (forward || to == v1::PART_STATUS_CANCELLED)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("part ", part.number(), " is ",
                                                    PartStatusName(from), ": cannot move to ",
                                                    PartStatusName(to)));
}

}  // namespace

absl::StatusOr<v1::Ticket> FieldWorkService::RequestPart(const Principal& actor,
                                                      const v1::RequestPartRequest& request) {
  TKT_RETURN_IF_ERROR(CheckIdentifier("part_number", request.part_number(), true));
  TKT_RETURN_IF_ERROR(CheckLine("description", request.description(), 200, true));
  if (request.quantity() < 1 || request.quantity() > 1000) {
    return absl::InvalidArgumentError("quantity: must be 1-1000");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  // No version: a part request is appended to whatever is stored, under the ticket's lock.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "request a part for"));
    v1::PartRequest& part = *next.add_parts();
    // Numbered by position from 1 and never removed, so UpdatePart finds it by number.
    part.set_number(next.parts_size());
    part.set_part_number(request.part_number());
    part.set_description(request.description());
    part.set_quantity(request.quantity());
    part.set_status(v1::PART_STATUS_REQUESTED);
    // Request time and status time are both kept: a ticket waiting for parts shows which
    // parts and since when (docs/fieldwork.md, "Spare parts").
    ToTimestamp(now, part.mutable_request_time());
    ToTimestamp(now, part.mutable_status_time());
    part.set_requested_by(actor.name);
    if (request.has_promised_arrival()) *part.mutable_promised_arrival() = request.promised_arrival();
    event.set_type(v1::EVENT_TYPE_PART);
    RecordChange(event, absl::StrCat("part.", part.number()), "",
                 absl::StrCat("REQUESTED ", part.quantity(), " x ", part.part_number()));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> FieldWorkService::UpdatePart(const Principal& actor,
                                                     const v1::UpdatePartRequest& request) {
  if (request.status() == v1::PART_STATUS_UNSPECIFIED ||
      !v1::PartStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status: must be set");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    if (request.part() < 1 || request.part() > current.parts_size()) {
      return absl::NotFoundError(absl::StrCat("part: ticket ", current.id(), " has ",
                                              current.parts_size(), " parts"));
    }
    v1::PartRequest& part = *next.mutable_parts(request.part() - 1);
    TKT_RETURN_IF_ERROR(CheckPartMove(part, request.status()));
    const v1::PartStatus from = part.status();
    part.set_status(request.status());
    ToTimestamp(now, part.mutable_status_time());
    if (request.has_promised_arrival()) *part.mutable_promised_arrival() = request.promised_arrival();
    if (request.status() == v1::PART_STATUS_ARRIVED) {
      // The arrival may be recorded after the fact; without a time given it is now.
      if (request.has_arrival_time()) {
        *part.mutable_arrival_time() = request.arrival_time();
      } else {
        ToTimestamp(now, part.mutable_arrival_time());
      }
    }
    event.set_type(v1::EVENT_TYPE_PART);
    RecordChange(event, absl::StrCat("part.", part.number()), PartStatusName(from),
                 PartStatusName(part.status()));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

}  // namespace ticketing::domain
