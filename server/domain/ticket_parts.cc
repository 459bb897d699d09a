// TicketService: spare parts and charges.
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/state_machine.h"
#include "server/domain/ticket_events.h"
#include "server/domain/ticket_service.h"
#include "server/domain/validation.h"

namespace ticketing::domain {
namespace {

constexpr int kMaxQuoteLines = 50;
constexpr int64_t kMaxAmount = 1'000'000'000'000;  // 10 billion in major units

std::string PartStatusName(v1::PartStatus status) {
  return std::string(absl::StripPrefix(v1::PartStatus_Name(status), "PART_STATUS_"));
}

std::string Money(int64_t minor) {
  return absl::StrCat(minor / 100, ".", minor % 100 < 10 ? "0" : "", minor % 100);
}

// Parts move forward only; CANCELLED is possible until INSTALLED.
absl::Status CheckPartMove(const v1::PartRequest& part, v1::PartStatus to) {
  const v1::PartStatus from = part.status();
  const bool ended = from == v1::PART_STATUS_INSTALLED || from == v1::PART_STATUS_CANCELLED;
  const bool forward = to != v1::PART_STATUS_CANCELLED && to > from;
  if (!ended && (forward || to == v1::PART_STATUS_CANCELLED)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("part ", part.number(), " is ",
                                                    PartStatusName(from), ": cannot move to ",
                                                    PartStatusName(to)));
}

absl::Status CheckQuote(const v1::SetQuoteRequest& r) {
  TKT_RETURN_IF_ERROR(CheckText("explanation", r.explanation(), kMaxLongTextChars, true));
  if (r.lines_size() > kMaxQuoteLines) {
    return absl::InvalidArgumentError(absl::StrCat("lines: at most ", kMaxQuoteLines));
  }
  if (r.lines().empty() && !r.warranty()) {
    return absl::InvalidArgumentError("lines: at least one line unless warranty");
  }
  for (int i = 0; i < r.lines_size(); ++i) {
    const v1::ChargeLine& line = r.lines(i);
    const std::string field = absl::StrCat("lines[", i, "].");
    if (line.kind() == v1::CHARGE_KIND_UNSPECIFIED || !v1::ChargeKind_IsValid(line.kind())) {
      return absl::InvalidArgumentError(field + "kind: must be LABOUR, PARTS, TRAVEL or OTHER");
    }
    TKT_RETURN_IF_ERROR(CheckLine(field + "description", line.description(), 200, true));
    if (line.amount() < 0 || line.amount() > kMaxAmount) {
      return absl::InvalidArgumentError(field + "amount: must be 0 or more (minor units)");
    }
    if (r.warranty() && line.amount() != 0) {
      return absl::InvalidArgumentError(field + "amount: warranty work is free of charge");
    }
  }
  if (r.warranty()) {
    TKT_RETURN_IF_ERROR(CheckLine("warranty_reference", r.warranty_reference(), 100, true));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Ticket> TicketService::RequestPart(const Principal& actor,
                                                      const v1::RequestPartRequest& request) {
  TKT_RETURN_IF_ERROR(CheckIdentifier("part_number", request.part_number(), true));
  TKT_RETURN_IF_ERROR(CheckLine("description", request.description(), 200, true));
  if (request.quantity() < 1 || request.quantity() > 1000) {
    return absl::InvalidArgumentError("quantity: must be 1-1000");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kUpdate};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    TKT_RETURN_IF_ERROR(CheckOpen(current, "request a part for"));
    v1::PartRequest& part = *next.add_parts();
    part.set_number(next.parts_size());
    part.set_part_number(request.part_number());
    part.set_description(request.description());
    part.set_quantity(request.quantity());
    part.set_status(v1::PART_STATUS_REQUESTED);
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
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::UpdatePart(const Principal& actor,
                                                     const v1::UpdatePartRequest& request) {
  if (request.status() == v1::PART_STATUS_UNSPECIFIED ||
      !v1::PartStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status: must be set");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kUpdate};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
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
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::SetQuote(const Principal& actor,
                                                   const v1::SetQuoteRequest& request) {
  TKT_RETURN_IF_ERROR(CheckQuote(request));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kUpdate};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    TKT_RETURN_IF_ERROR(CheckOpen(current, "quote"));
    v1::Quote& quote = *next.mutable_quote();
    const int32_t revision = current.quote().revision() + 1;
    quote.Clear();
    quote.set_revision(revision);
    int64_t total = 0;
    for (const v1::ChargeLine& line : request.lines()) {
      *quote.add_lines() = line;
      total += line.amount();
    }
    quote.set_total(total);
    quote.set_explanation(request.explanation());
    quote.set_warranty(request.warranty());
    quote.set_warranty_reference(request.warranty_reference());
    quote.set_quoted_by(actor.name);
    ToTimestamp(now, quote.mutable_quote_time());
    quote.set_payment(v1::PAYMENT_STATUS_NOT_DUE);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote", current.has_quote() ? Money(current.quote().total()) : "",
                 request.warranty() ? absl::StrCat("0.00 (warranty ", request.warranty_reference(), ")")
                                    : Money(total));
    event.set_comment(request.explanation());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::RecordQuoteDecision(
    const Principal& actor, const v1::RecordQuoteDecisionRequest& request) {
  if (request.decision() == v1::QUOTE_DECISION_UNSPECIFIED ||
      !v1::QuoteDecision_IsValid(request.decision())) {
    return absl::InvalidArgumentError("decision: must be ACCEPTED or DECLINED");
  }
  TKT_RETURN_IF_ERROR(CheckLine("decided_by", request.decided_by(), kMaxNameChars, true));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kUpdate};
  auto mutate = [&](const v1::Ticket& current, absl::Time now, v1::Ticket& next,
                    v1::TicketEvent& event) {
    if (!current.has_quote()) {
      return absl::FailedPreconditionError(absl::StrCat("ticket ", current.id(), " has no quote"));
    }
    if (request.revision() != current.quote().revision()) {
      return absl::AbortedError(absl::StrCat("the quote of ", current.id(), " is at revision ",
                                             current.quote().revision(), ", not ",
                                             request.revision(), ": show the customer the new one"));
    }
    if (current.quote().decision() != v1::QUOTE_DECISION_UNSPECIFIED) {
      return absl::FailedPreconditionError("this quote is already decided; quote again to change it");
    }
    v1::Quote& quote = *next.mutable_quote();
    quote.set_decision(request.decision());
    quote.set_decided_by(request.decided_by());
    ToTimestamp(now, quote.mutable_decision_time());
    const bool due = request.decision() == v1::QUOTE_DECISION_ACCEPTED && quote.total() > 0;
    quote.set_payment(due ? v1::PAYMENT_STATUS_DUE : v1::PAYMENT_STATUS_NOT_DUE);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote.decision", "",
                 absl::StrCat(absl::StripPrefix(v1::QuoteDecision_Name(request.decision()),
                                                "QUOTE_DECISION_"),
                              " by ", request.decided_by()));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

absl::StatusOr<v1::Ticket> TicketService::SetPaymentStatus(
    const Principal& actor, const v1::SetPaymentStatusRequest& request) {
  const v1::PaymentStatus to = request.payment();
  if (to != v1::PAYMENT_STATUS_DUE && to != v1::PAYMENT_STATUS_PAID &&
      to != v1::PAYMENT_STATUS_WAIVED) {
    return absl::InvalidArgumentError("payment: must be DUE, PAID or WAIVED");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars,
                                to == v1::PAYMENT_STATUS_WAIVED));
  MutationSpec spec{"ticket_id", request.ticket_id(), 0, false, Action::kSurvey};
  auto mutate = [&](const v1::Ticket& current, absl::Time, v1::Ticket& next,
                    v1::TicketEvent& event) {
    if (current.quote().decision() != v1::QUOTE_DECISION_ACCEPTED || current.quote().total() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ticket ", current.id(), " has no accepted quote with charges: nothing to pay"));
    }
    next.mutable_quote()->set_payment(to);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote.payment",
                 std::string(absl::StripPrefix(v1::PaymentStatus_Name(current.quote().payment()), "PAYMENT_STATUS_")),
                 std::string(absl::StripPrefix(v1::PaymentStatus_Name(to), "PAYMENT_STATUS_")));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(actor, spec, mutate));
  return std::move(result.first);
}

}  // namespace ticketing::domain
